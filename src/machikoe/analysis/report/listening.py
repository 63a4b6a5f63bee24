"""The broad-listening report: one HTML file that opens with no network, and its pieces.

Every resident text shown (representatives, hover text, summaries, duplicates) goes through
`machikoe.analysis.text.pii.mask_pii` first (unless the caller says the texts are already
masked), then is escaped. Each chart has a table next to it (accessible alternative).
`listening_report_fragments` returns the HTML sections without any <script>, so the platform
can place them in its own pages (CSP: data via json_script, JS from `report_js()`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from machikoe.analysis.listening.config import YOUTH_AGE_BANDS
from machikoe.analysis.listening.types import Document, ListeningResult, PerspectiveSpec

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
    "#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939",
)  # fmt: skip
ATTRIBUTE_LABELS = {
    "age_band": "年代",
    "district": "地域",
    "relation": "区との関わり",
    "channel": "チャネル",
    "youth": "子ども・若者",
}
YOUTH_LABELS = ("小学生", "中学生", "高校生", "大学生・専門学校生等")


@dataclass(frozen=True)
class ReportInput:
    result: Mapping[str, Any] | ListeningResult  # to_dict() form may be edited by staff
    documents: Sequence[Document]
    title: str = "意見の分析レポート"
    perspectives: Sequence[PerspectiveSpec] = ()
    attribute_labels: Mapping[str, str] = field(default_factory=dict)
    texts_masked: bool = False  # True when document texts are already masked
    max_points: int = 20_000  # map points drawn (a deterministic sample beyond this)
    hover_chars: int = 80
    youth_values: Sequence[str] = (*YOUTH_AGE_BANDS, *YOUTH_LABELS)
    youth_attribute: str = "age_band"


def _mask_function(already: bool) -> Callable[[str], str]:
    if already:
        return lambda text: text
    from machikoe.analysis.text.pii import mask_pii  # lazy: only when a report is made

    @lru_cache(maxsize=65536)
    def mask(text: str) -> str:
        return mask_pii(text[:2000]).masked

    return mask


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plotly_js() -> str:
    """Plotly's minified JS from the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def report_js() -> str:
    return resources.files(__package__).joinpath("assets/listening_report.js").read_text("utf-8")


def report_css() -> str:
    return resources.files(__package__).joinpath("assets/listening_report.css").read_text("utf-8")


def listening_report_data(inp: ReportInput) -> dict[str, Any]:
    """Plain, JSON-ready data for the charts and sections (texts masked and shortened)."""
    result = inp.result.to_dict() if isinstance(inp.result, ListeningResult) else inp.result
    mask = _mask_function(inp.texts_masked)
    docs = {d.id: d for d in inp.documents}
    labels = {**ATTRIBUTE_LABELS, **inp.attribute_labels}
    rows = [r for r in result["rows"] if r.get("topic")]
    clusters = result["clusters"]
    topics = [c for c in clusters if c["parent"] is None]
    color = {t["id"]: PALETTE[i % len(PALETTE)] for i, t in enumerate(topics)}
    youth = set(inp.youth_values)

    def text_of(doc_id: str, n: int) -> str:
        doc = docs.get(doc_id)
        return _short(mask(doc.text), n) if doc else ""

    # attributes (plus the derived youth group) per row
    attrs: dict[str, dict[str, str]] = {}
    for r in rows:
        doc = docs.get(r["id"])
        a = dict(doc.attributes) if doc else {}
        if a.get(inp.youth_attribute):
            a["youth"] = "子ども・若者" if a[inp.youth_attribute] in youth else "大人"
        attrs[r["id"]] = a
    keys = sorted({k for a in attrs.values() for k in a})
    values = {k: sorted({a[k] for a in attrs.values() if a.get(k)}) for k in keys}

    step = max(1, -(-len(rows) // inp.max_points))
    map_rows = [
        {
            "id": r["id"],
            "t": r["topic"],
            "s": r["subtopic"],
            "x": r["x"],
            "y": r["y"],
            "h": text_of(r["id"], inp.hover_chars).replace("<", "＜").replace(">", "＞"),
            "a": attrs[r["id"]],
            "p": r.get("perspectives", []),
        }
        for r in rows[::step]
    ]
    topic_data = []
    for t in topics:
        members = [r for r in rows if r["topic"] == t["id"]]
        breakdown = {
            k: dict(Counter(attrs[r["id"]].get(k, "") for r in members if attrs[r["id"]].get(k)))
            for k in keys
        }
        topic_data.append(
            {
                "id": t["id"],
                "label": t["label"],
                "keywords": t["keywords"],
                "size": t["size"],
                "summary": _short(mask(t.get("summary", "")), 160),
                "color": color[t["id"]],
                "representatives": [
                    {"id": i, "text": text_of(i, 300)} for i in t["representatives"]
                ],
                "subtopics": [
                    {
                        "id": c["id"],
                        "label": c["label"],
                        "size": c["size"],
                        "keywords": c["keywords"],
                    }
                    for c in clusters
                    if c["parent"] == t["id"]
                ],
                "breakdown": breakdown,
            }
        )
    persp_data = []
    for spec in inp.perspectives:
        if spec.parent_code is not None:
            continue
        members = [r for r in rows if spec.code in r.get("perspectives", [])]
        by_topic = Counter(r["topic"] for r in members)
        persp_data.append(
            {
                "code": spec.code,
                "title": spec.title,
                "size": len(members),
                "cross_sector": sum(1 for r in members if r.get("cross_sector")),
                "topics": dict(by_topic.most_common()),
                "examples": [
                    {"id": r["id"], "text": text_of(r["id"], 200)}
                    for r in sorted(
                        members, key=lambda r: -r.get("perspective_scores", {}).get(spec.code, 0)
                    )[:3]
                ],
            }
        )
    youth_rows = [r for r in rows if attrs[r["id"]].get("youth") == "子ども・若者"]
    youth_data = {
        "available": any("youth" in a for a in attrs.values()),
        "size": len(youth_rows),
        "topics": dict(Counter(r["topic"] for r in youth_rows).most_common()),
        "examples": [{"id": r["id"], "text": text_of(r["id"], 200)} for r in youth_rows[:5]],
        "comparisons": [c for c in result.get("comparisons", []) if c["attribute"] == "youth"],
    }
    duplicates = [
        {
            "id": g["id"],
            "kind": g["kind"],
            "size": g["size"],
            "text": text_of(g["representative"], 120),
        }
        for g in result.get("duplicate_groups", [])
    ]
    return {
        "title": inp.title,
        "meta": {
            k: result.get("meta", {}).get(k)
            for k in (
                "complete",
                "warnings",
                "n_documents",
                "n_analysed",
                "n_skipped",
                "n_unique",
                "n_duplicate_groups",
                "n_in_duplicate_groups",
                "n_topics",
                "vectorizer",
            )
        },
        "attributes": {k: {"label": labels.get(k, k), "values": values[k]} for k in keys},
        "topics": topic_data,
        "rows": map_rows,
        "rows_sampled": step > 1,
        "perspectives": persp_data,
        "youth": youth_data,
        "comparisons": [c for c in result.get("comparisons", []) if c.get("significant")],
        "duplicates": duplicates,
        "topic_labels": {t["id"]: t["label"] for t in topics},
    }


def _table(caption: str, head: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    """A table; cells are escaped; numbers right-aligned."""
    out = [f"<table><caption>{escape(caption)}</caption><thead><tr>"]
    out += [f'<th scope="col">{escape(h)}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for row in body:
        out.append("<tr>")
        for j, cell in enumerate(row):
            if j == 0:
                out.append(f'<th scope="row">{escape(str(cell))}</th>')
            elif isinstance(cell, int | float):
                out.append(f'<td class="num">{escape(str(cell))}</td>')
            else:
                out.append(f"<td>{escape(str(cell))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def listening_report_fragments(data: Mapping[str, Any]) -> dict[str, str]:
    """HTML sections (no scripts) from `listening_report_data`: summary, filters, map,
    treemap, topics, perspectives, youth, comparisons, duplicates."""
    meta = data["meta"]
    total = sum(t["size"] for t in data["topics"]) or 1
    tl = data["topic_labels"]
    f: dict[str, str] = {}
    warn = ""
    if not meta.get("complete", True) or meta.get("warnings"):
        items = "".join(f"<li>{escape(w)}</li>" for w in meta.get("warnings") or [])
        head = (
            ""
            if meta.get("complete", True)
            else "<p><strong>この結果は一部の意見を含みません。</strong></p>"
        )
        warn = f'<div class="warn" role="note">{head}<ul>{items}</ul></div>'
    f["summary"] = (
        '<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">概要</h2>'
        + warn
        + "<dl>"
        + f"<dt>意見の数</dt><dd>{meta.get('n_documents')} 件（分析 {meta.get('n_analysed')} 件）</dd>"
        + f"<dt>重複・ほぼ同文のまとまり</dt><dd>{meta.get('n_duplicate_groups')} グループ"
        + f"（{meta.get('n_in_duplicate_groups')} 件）</dd>"
        + f"<dt>トピック</dt><dd>{len(data['topics'])}</dd>"
        + f"<dt>ベクトル化</dt><dd>{escape(str(meta.get('vectorizer')))}</dd></dl>"
        + _table(
            "トピックの一覧",
            ["トピック", "件数", "割合", "キーワード"],
            [
                (
                    f"{t['id']} {t['label']}",
                    t["size"],
                    _pct(t["size"], total),
                    "、".join(t["keywords"][:6]),
                )
                for t in data["topics"]
            ],
        )
        + "</section>"
    )
    controls = []
    for key, spec in data["attributes"].items():
        options = "".join(
            f'<option value="{escape(v)}">{escape(v)}</option>' for v in spec["values"]
        )
        controls.append(
            f'<label for="mk-f-{escape(key)}">{escape(spec["label"])}</label>'
            f'<select id="mk-f-{escape(key)}" data-mk-filter="{escape(key)}">'
            f'<option value="">すべて</option>{options}</select>'
        )
    f["filters"] = (
        '<section id="filters" aria-labelledby="h-filters"><h2 id="h-filters">属性で絞り込む</h2>'
        + (
            '<form class="filters" onsubmit="return false">' + "".join(controls) + "</form>"
            if controls
            else "<p>属性（年代・地域など）の情報はありません。</p>"
        )
        + '<p id="mk-filter-count" aria-live="polite"></p></section>'
    )
    sampled = "（点が多いため一部を間引いて表示）" if data.get("rows_sampled") else ""
    f["map"] = (
        '<section id="map" aria-labelledby="h-map"><h2 id="h-map">意見の地図</h2>'
        f"<figure><figcaption>似た意見が近くに並ぶ散布図。色はトピック{sampled}。"
        "点に触れると意見（個人情報は伏せ字）が表示されます。</figcaption>"
        '<div id="mk-map" class="chart" role="img" aria-label="トピック別の意見の散布図。内容は次の表と同じです。"></div>'
        "<table><caption>絞り込み後のトピック別件数（散布図の代わりの表）</caption>"
        '<thead><tr><th scope="col">トピック</th><th scope="col">件数</th></tr></thead>'
        '<tbody id="mk-filter-table-body">'
        + "".join(
            f'<tr><th scope="row">{escape(t["id"] + " " + t["label"])}</th><td class="num">{t["size"]}</td></tr>'
            for t in data["topics"]
        )
        + "</tbody></table></figure></section>"
    )
    f["treemap"] = (
        '<section id="treemap" aria-labelledby="h-treemap"><h2 id="h-treemap">トピックとサブトピック</h2>'
        "<figure><figcaption>面積が件数を表すツリーマップ。</figcaption>"
        '<div id="mk-treemap" class="chart" role="img" aria-label="トピックとサブトピックのツリーマップ。内容は次の表と同じです。"></div>'
        + _table(
            "トピックとサブトピックの件数（ツリーマップの代わりの表）",
            ["サブトピック", "トピック", "件数"],
            [
                (f"{s['id']} {s['label']}", t["id"], s["size"])
                for t in data["topics"]
                for s in t["subtopics"]
            ],
        )
        + "</figure></section>"
    )
    parts = [
        '<section id="topics" aria-labelledby="h-topics"><h2 id="h-topics">トピックごとの内容</h2>'
    ]
    for t in data["topics"]:
        reps = "".join(
            f"<blockquote><p>{escape(r['text'])}</p></blockquote>" for r in t["representatives"]
        )
        breakdown = "".join(
            _table(
                f"{t['id']} の{data['attributes'].get(k, {}).get('label', k)}別件数",
                ["値", "件数", "割合"],
                [
                    (v, n, _pct(n, t["size"]))
                    for v, n in sorted(counts.items(), key=lambda kv: -kv[1])
                ],
            )
            for k, counts in t["breakdown"].items()
            if counts
        )
        parts.append(
            f'<section id="topic-{escape(t["id"])}" aria-labelledby="h-topic-{escape(t["id"])}">'
            f'<h3 id="h-topic-{escape(t["id"])}">{escape(t["id"])} {escape(t["label"])}</h3>'
            f"<p>{t['size']} 件（全体の {_pct(t['size'], total)}）</p>"
            f'<p class="kw">キーワード: {escape("、".join(t["keywords"]))}</p>'
            f"<p>代表的な一文: {escape(t['summary'])}</p>"
            f"<h4>代表的な意見</h4>{reps}"
            + _table(
                f"{t['id']} のサブトピック",
                ["サブトピック", "件数", "キーワード"],
                [
                    (f"{s['id']} {s['label']}", s["size"], "、".join(s["keywords"][:5]))
                    for s in t["subtopics"]
                ],
            )
            + (f"<h4>属性の内訳</h4>{breakdown}" if breakdown else "")
            + "</section>"
        )
    parts.append("</section>")
    f["topics"] = "".join(parts)
    parts = [
        '<section id="perspectives" aria-labelledby="h-persp"><h2 id="h-persp">計画の視点ごとの意見</h2>'
    ]
    if not data["perspectives"]:
        parts.append("<p>視点（V1〜V6）による分類は行っていません。</p>")
    for p in data["perspectives"]:
        ex = "".join(f"<blockquote><p>{escape(e['text'])}</p></blockquote>" for e in p["examples"])
        parts.append(
            f'<section id="persp-{escape(p["code"])}" aria-labelledby="h-persp-{escape(p["code"])}">'
            f'<h3 id="h-persp-{escape(p["code"])}">{escape(p["code"])} {escape(p["title"])}</h3>'
            f"<p>{p['size']} 件（うち分野横断 {p['cross_sector']} 件）</p>"
            + _table(
                f"{p['code']} の意見のトピック",
                ["トピック", "件数"],
                [(f"{k} {tl.get(k, '')}", v) for k, v in p["topics"].items()],
            )
            + (f"<h4>例</h4>{ex}" if ex else "")
            + "</section>"
        )
    parts.append("</section>")
    f["perspectives"] = "".join(parts)
    y = data["youth"]
    if not y["available"]:
        youth_body = "<p>年代の情報がないため、子ども・若者の意見を区別できません。</p>"
    else:
        youth_body = (
            f"<p>子ども・若者（小学生〜大学生等）の意見: {y['size']} 件</p>"
            + _table(
                "子ども・若者の意見のトピック",
                ["トピック", "件数"],
                [(f"{k} {tl.get(k, '')}", v) for k, v in y["topics"].items()],
            )
            + _table(
                "子ども・若者と大人の比較（トピックの割合）",
                ["トピック", "子ども・若者", "大人", "効果量 h", "補正後 p 値"],
                [
                    (
                        f"{c['topic']} {tl.get(c['topic'], '')}",
                        _pct(c["count_group"], c["total_group"]),
                        _pct(c["count_rest"], c["total_rest"]),
                        round(c["effect_h"], 3),
                        f"{c['p_adjusted']:.3g}",
                    )
                    for c in y["comparisons"]
                ],
            )
            + "".join(f"<blockquote><p>{escape(e['text'])}</p></blockquote>" for e in y["examples"])
        )
    f["youth"] = (
        '<section id="youth" aria-labelledby="h-youth"><h2 id="h-youth">子ども・若者の声</h2>'
        + youth_body
        + "</section>"
    )
    f["comparisons"] = (
        '<section id="comparisons" aria-labelledby="h-comp"><h2 id="h-comp">属性による違い（統計的に有意なもの）</h2>'
        "<p>各属性グループと残りの人のトピック割合を比較（カイ二乗検定／フィッシャーの正確検定、"
        "ホルム法で多重比較を補正、有意水準 5%）。効果量は Cohen の h（0.2 小、0.5 中、0.8 大）。</p>"
        + (
            _table(
                "有意に多い・少ないトピック",
                [
                    "属性",
                    "グループ",
                    "トピック",
                    "グループ内",
                    "それ以外",
                    "多い/少ない",
                    "効果量 h",
                    "補正後 p 値",
                ],
                [
                    (
                        data["attributes"].get(c["attribute"], {}).get("label", c["attribute"]),
                        c["group"],
                        f"{c['topic']} {tl.get(c['topic'], '')}",
                        _pct(c["count_group"], c["total_group"]),
                        _pct(c["count_rest"], c["total_rest"]),
                        "多い" if c["direction"] == "over" else "少ない",
                        round(c["effect_h"], 3),
                        f"{c['p_adjusted']:.3g}",
                    )
                    for c in data["comparisons"]
                ],
            )
            if data["comparisons"]
            else "<p>有意な違いはありませんでした（または属性の情報がありません）。</p>"
        )
        + "</section>"
    )
    f["duplicates"] = (
        '<section id="duplicates" aria-labelledby="h-dup"><h2 id="h-dup">同じ・ほぼ同じ意見のまとまり</h2>'
        "<p>同文・ほぼ同文の意見（組織的な投稿やコピー）はまとめて数えています。削除はしていません。</p>"
        + (
            _table(
                "重複グループ（大きい順）",
                ["グループ", "種類", "件数", "代表の意見"],
                [
                    (g["id"], "同文" if g["kind"] == "exact" else "ほぼ同文", g["size"], g["text"])
                    for g in data["duplicates"][:200]
                ],
            )
            if data["duplicates"]
            else "<p>重複はありませんでした。</p>"
        )
        + "</section>"
    )
    return f


SECTION_ORDER = (
    "summary",
    "filters",
    "map",
    "treemap",
    "topics",
    "perspectives",
    "youth",
    "comparisons",
    "duplicates",
)


def _json_for_script(data: Any) -> str:
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def listening_report_html(inp: ReportInput) -> str:
    """The whole report as one HTML document (Plotly JS and data embedded; no network)."""
    data = listening_report_data(inp)
    fragments = listening_report_fragments(data)
    nav = "".join(
        f'<li><a href="#{k}">{escape(label)}</a></li>'
        for k, label in (
            ("summary", "概要"),
            ("map", "意見の地図"),
            ("treemap", "トピック"),
            ("topics", "トピックごとの内容"),
            ("perspectives", "視点ごと"),
            ("youth", "子ども・若者"),
            ("comparisons", "属性による違い"),
            ("duplicates", "重複"),
        )
    )
    body = "".join(fragments[k] for k in SECTION_ORDER)
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(inp.title)}</title><style>{report_css()}</style></head>"
        '<body><div class="mk-report"><a class="skip" href="#main">本文へ移動</a>'
        f"<header><h1>{escape(inp.title)}</h1>"
        "<p>まちの声（machikoe）広聴分析。この文書はネットワークなしで開けます。意見の本文の個人情報は伏せ字にしています。</p>"
        f'<nav aria-label="目次"><ul>{nav}</ul></nav></header>'
        f'<main id="main">{body}</main></div>'
        f'<script type="application/json" id="mk-report-data">{_json_for_script(data)}</script>'
        f"<script>{plotly_js()}</script><script>{report_js()}</script></body></html>"
    )
