"""Speed and memory of the broad-listening pipeline, with BERTopic as the peer.

Documents: real sentences from ../shared/data/ja (covid19-concerns-2020 answers and
aipubcom-comments sentences), joined at random into opinions of about 200 characters, repeated
with variation only to reach the size (seeded, deterministic).

Scenarios (each in a fresh subprocess, so peak RSS is per scenario):
  cold-fast    N opinions, fast backend, end to end (target: 100,000 in <= 120 s)
  cached       the same N opinions with their vectors loaded from .npy (and the fitted fast
               model, needed for the perspective texts): cluster, label, classify, map
               (target: <= 60 s and <= 4 GB peak)
  quality      cold quality backend on a sample: characters per second
  peer         BERTopic (UMAP + HDBSCAN + c-TF-IDF, its defaults) and machikoe on the SAME
               vectors: livedoor (2,700 articles, V-measure against the 9 categories, vectors
               = machikoe fast) and the first `--peer-n` opinions of the N set (time only)

Peer setup (once): python3 -m venv .peer-venvs/bertopic &&
  .peer-venvs/bertopic/bin/pip install torch==2.13.0 && .peer-venvs/bertopic/bin/pip install bertopic

Run: .venv/bin/python benchmarks/listening_speed.py [--n 100000] [--peer-n 20000] [--only cold-fast,cached,quality,peer]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ja"
OUT = ROOT / "benchmarks" / "out"
PEER_PY = Path(os.environ.get("BERTOPIC_PYTHON", ROOT / ".peer-venvs/bertopic/bin/python"))
PLAN = sorted((ROOT / "src" / "machikoe" / "plan" / "data").glob("*.json"))


def build_documents(n: int, seed: int = 0) -> list[dict[str, str]]:
    sentences: list[str] = []
    for line in (DATA / "covid19-concerns-2020.jsonl").open(encoding="utf-8"):
        text = json.loads(line)["text"].strip()
        if text:
            sentences.append(text)
    for line in (DATA / "aipubcom-comments.jsonl").open(encoding="utf-8"):
        text = json.loads(line)["text"]
        sentences += [s for s in re.split(r"(?<=[。！？])", text) if 10 <= len(s.strip()) <= 200]
    rng = np.random.default_rng(seed)
    ages = [
        "elementary",
        "junior_high",
        "high_school",
        "college",
        "20s",
        "30s",
        "40s",
        "50s",
        "60s",
        "70s",
    ]
    districts = ["setagaya", "kitazawa", "tamagawa", "kinuta", "karasuyama"]
    docs = []
    for i in range(n):
        parts: list[str] = []
        while sum(map(len, parts)) < 180:
            parts.append(sentences[int(rng.integers(len(sentences)))])
        docs.append(
            {
                "id": f"o{i}",
                "text": "".join(parts)[:260],
                "age_band": ages[int(rng.integers(len(ages)))],
                "district": districts[int(rng.integers(len(districts)))],
            }
        )
    return docs


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (forked workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load_docs(path: Path):
    from machikoe.analysis.listening import Document

    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    return [
        Document(r["id"], r["text"], {"age_band": r["age_band"], "district": r["district"]})
        for r in rows
    ]


def _config(**kw):
    from machikoe.analysis.listening import ListeningConfig
    from machikoe.analysis.listening.plan_data import perspectives_from_plan

    specs, glossary = (
        perspectives_from_plan(json.loads(PLAN[0].read_text(encoding="utf-8")))
        if PLAN
        else ([], {})
    )
    return ListeningConfig(perspectives=specs, glossary=glossary, **kw)


def child_cold_fast(docs_path: Path) -> dict:
    from machikoe.analysis.listening import get_vectorizer, run_pipeline
    from machikoe.analysis.listening.normalize import clean_text

    docs = _load_docs(docs_path)
    cpu0, start = cpu_seconds(), time.perf_counter()
    result = run_pipeline(docs, _config(vectorizer="fast"))
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    # save vectors and the fitted model for the cached scenario (not timed)
    vec = get_vectorizer("fast")
    vectors = vec.fit_transform([clean_text(d.text) for d in docs])
    np.save(OUT / "speed_vectors.npy", vectors)
    with (OUT / "speed_fast_model.pkl").open("wb") as handle:
        pickle.dump(vec, handle)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "stages": result.meta["timings_s"],
        "n_topics": result.meta["n_topics"],
        "duplicate_groups": result.meta["n_duplicate_groups"],
        "chars": sum(len(d.text) for d in docs),
    }


def child_cached(docs_path: Path, deduper: str) -> dict:
    from machikoe.analysis.listening import run_pipeline

    docs = _load_docs(docs_path)
    vectors = np.load(OUT / "speed_vectors.npy")
    with (OUT / "speed_fast_model.pkl").open("rb") as handle:
        vec = pickle.load(handle)
    cpu0, start = cpu_seconds(), time.perf_counter()
    result = run_pipeline(
        docs, _config(vectorizer="fast", deduper=deduper), vectors=vectors, vectorizer=vec
    )
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    classified = sum(1 for r in result.rows if r.perspectives)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "stages": result.meta["timings_s"],
        "n_topics": result.meta["n_topics"],
        "classified": classified,
        "warnings": result.meta["warnings"],
    }


def child_quality(docs_path: Path, n: int) -> dict:
    from machikoe.analysis.listening import get_vectorizer

    docs = _load_docs(docs_path)[:n]
    texts = [d.text for d in docs]
    vec = get_vectorizer("quality")
    vec.transform(["準備"])
    cpu0, start = cpu_seconds(), time.perf_counter()
    vec.transform(texts)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    chars = sum(len(t) for t in texts)
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "chars": chars,
        "chars_per_s": chars / elapsed,
        "texts": len(texts),
    }


def child_machikoe_on_vectors(docs_path: Path, vectors_path: Path, labels_path: str) -> dict:
    from machikoe.analysis.listening import ListeningConfig, run_pipeline

    docs = _load_docs(docs_path)
    vectors = np.load(vectors_path)
    cpu0, start = cpu_seconds(), time.perf_counter()
    result = run_pipeline(
        docs, ListeningConfig(vectorizer="none", deduper="exact"), vectors=vectors
    )
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    out = {
        "seconds": elapsed,
        "cpu": cpu,
        "n_topics": result.meta["n_topics"],
        "stages": result.meta["timings_s"],
    }
    if labels_path:
        from sklearn.metrics import v_measure_score

        gold = json.loads(Path(labels_path).read_text())
        out["v_measure"] = v_measure_score(gold, [r.topic for r in result.rows]) * 100
    return out


def run_child(*args: str) -> dict:
    """Run this script in a subprocess for one scenario; returns its JSON plus peak RSS."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"scenario {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_main(args: list[str]) -> None:
    kind, *rest = args
    if kind == "cold-fast":
        out = child_cold_fast(Path(rest[0]))
    elif kind == "cached":
        out = child_cached(Path(rest[0]), rest[1])
    elif kind == "quality":
        out = child_quality(Path(rest[0]), int(rest[1]))
    elif kind == "machikoe-vectors":
        out = child_machikoe_on_vectors(
            Path(rest[0]), Path(rest[1]), rest[2] if len(rest) > 2 else ""
        )
    else:
        raise SystemExit(f"unknown scenario {kind}")
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def livedoor_files() -> tuple[Path, Path, Path]:
    """livedoor as a docs file + machikoe fast vectors (computed once, cached in out/)."""
    docs_path = OUT / "livedoor_docs.jsonl"
    vectors_path = OUT / "livedoor_fast_vectors.npy"
    labels_path = OUT / "livedoor_labels.json"
    rows = [json.loads(line) for line in (DATA / "livedoor-sample.jsonl").open(encoding="utf-8")]
    with docs_path.open("w", encoding="utf-8") as handle:
        for r in rows:
            handle.write(
                json.dumps(
                    {
                        "id": r["id"],
                        "text": r["title"] + "\n" + r["body"],
                        "age_band": "",
                        "district": "",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    labels_path.write_text(json.dumps([r["category"] for r in rows]))
    if not vectors_path.exists():
        from machikoe.analysis.listening import get_vectorizer
        from machikoe.analysis.listening.normalize import clean_text

        vectors = get_vectorizer("fast").fit_transform(
            [clean_text(r["title"] + "\n" + r["body"]) for r in rows]
        )
        np.save(vectors_path, vectors)
    return docs_path, vectors_path, labels_path


def peer(docs_path: Path, vectors_path: Path, labels_path: Path | None, name: str) -> None:
    from sklearn.metrics import v_measure_score

    ours = run_child("machikoe-vectors", str(docs_path), str(vectors_path), str(labels_path or ""))
    line = f"{name}: machikoe {ours['seconds']:.1f} s wall ({ours['cpu']:.1f} s CPU), {ours['n_topics']} topics"
    if "v_measure" in ours:
        line += f", V-measure {ours['v_measure']:.2f}"
    print(line + f", peak {ours['peak_rss_mb']:.0f} MB; stages {ours['stages']}", flush=True)
    if not PEER_PY.exists():
        print(
            f"{name}: BERTopic peer venv missing ({PEER_PY}); see the setup command in this docstring"
        )
        return
    out_path = OUT / f"bertopic_{name}.json"
    proc = subprocess.run(
        [
            str(PEER_PY),
            str(ROOT / "benchmarks" / "listening_bertopic_peer.py"),
            str(docs_path),
            str(vectors_path),
            str(out_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(f"{name}: BERTopic failed: {proc.stderr[-1500:]}")
        return
    theirs = json.loads(out_path.read_text())
    line = (
        f"{name}: BERTopic {theirs['seconds']:.1f} s wall ({theirs['cpu']:.1f} s CPU), {theirs['n_topics']} topics, "
        f"{theirs['outliers']} outliers ({100 * theirs['outliers'] / len(theirs['topics']):.0f}%)"
    )
    if labels_path:
        gold = json.loads(labels_path.read_text())
        line += f", V-measure {v_measure_score(gold, theirs['topics']) * 100:.2f}"
    print(line, flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    print(f"load average at start: {os.getloadavg()}", flush=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--peer-n", type=int, default=20_000)
    parser.add_argument("--quality-n", type=int, default=100)
    parser.add_argument("--only", default="cold-fast,cached,quality,peer")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    parts = args.only.split(",")
    docs = build_documents(args.n)
    docs_path = OUT / f"speed_docs_{args.n}.jsonl"
    with docs_path.open("w", encoding="utf-8") as handle:
        for d in docs:
            handle.write(json.dumps(d, ensure_ascii=False) + "\n")
    mean_chars = sum(len(d["text"]) for d in docs) / len(docs)
    print(
        f"{args.n} opinions, mean {mean_chars:.0f} chars; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    if "cold-fast" in parts:
        r = run_child("cold-fast", str(docs_path))
        print(
            f"cold fast end to end: {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU (target <= 120), peak {r['peak_rss_mb']:.0f} MB,"
            f" {r['n_topics']} topics, {r['duplicate_groups']} duplicate groups; stages {r['stages']}",
            flush=True,
        )
    if "cached" in parts:
        for deduper in ("minhash", "exact"):
            r = run_child("cached", str(docs_path), deduper)
            print(
                f"cached vectors (deduper {deduper}): {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU (target <= 60), peak {r['peak_rss_mb']:.0f} MB"
                f" (target <= 4096), {r['n_topics']} topics, {r['classified']} classified; stages {r['stages']}",
                flush=True,
            )
    if "quality" in parts:
        r = run_child("quality", str(docs_path), str(args.quality_n))
        print(
            f"cold quality: {r['chars_per_s']:.0f} chars/s wall, {r['chars'] / r['cpu']:.0f} chars per CPU-second ({r['texts']} opinions, {r['chars']} chars, {r['seconds']:.1f} s);"
            f" {args.n} opinions would take {mean_chars * args.n / r['chars_per_s'] / 60:.0f} min",
            flush=True,
        )
    if "peer" in parts:
        ld_docs, ld_vectors, ld_labels = livedoor_files()
        peer(ld_docs, ld_vectors, ld_labels, "livedoor")
        if (OUT / "speed_vectors.npy").exists():
            sub_docs = OUT / f"speed_docs_peer_{args.peer_n}.jsonl"
            sub_docs.write_text(
                "".join(
                    line
                    for _, line in zip(
                        range(args.peer_n), docs_path.open(encoding="utf-8"), strict=False
                    )
                ),
                encoding="utf-8",
            )
            sub_vectors = OUT / f"speed_vectors_peer_{args.peer_n}.npy"
            np.save(sub_vectors, np.load(OUT / "speed_vectors.npy")[: args.peer_n])
            peer(sub_docs, sub_vectors, None, f"opinions-{args.peer_n}")


if __name__ == "__main__":
    main()
