"""Builds tests/data/pii_corpus.jsonl: Japanese sentences written for this project, with and
without personal data, and the expected spans. All names, numbers and addresses are invented.

Run `python tests/data/pii_corpus.py` to rebuild (deterministic). Each line:
{"id", "text", "spans": [{"start", "end", "category"}]}.

Gold-span conventions: a postal code excludes 〒 and the 郵便番号 label; an address runs from
the first place-name character to its last block number; a name excludes the honorific.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).with_suffix(".jsonl")
rng = random.Random(20261127)

FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
HYPHENS = ["-", "ー", "－", "‐", "−", "–", "—"]


def d(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def phone() -> str:
    h = rng.choice(HYPHENS)
    kind = rng.randrange(16)
    if kind == 0:
        return f"03{h}{d(4)}{h}{d(4)}"
    if kind == 1:
        return f"0{rng.choice('789')}0{h}{d(4)}{h}{d(4)}"
    if kind == 2:
        return f"(03){d(4)}-{d(4)}"
    if kind == 3:
        return f"03({d(4)}){d(4)}"
    if kind == 4:
        return f"0120{h}{d(3)}{h}{d(3)}"
    if kind == 5:
        return f"+81-90-{d(4)}-{d(4)}"
    if kind == 6:
        return f"+81 3 {d(4)} {d(4)}"
    if kind == 7:
        return f"03-{d(4)}-{d(4)}".translate(FW)
    if kind == 8:
        return f"090{d(8)}"
    if kind == 9:
        return f"03{d(8)}"
    if kind == 10:
        return f"045-{d(3)}-{d(4)}"
    if kind == 11:
        return f"0422{h}{d(2)}{h}{d(4)}"
    if kind == 12:
        return f"03.{d(4)}.{d(4)}"
    if kind == 13:
        return f"080 {d(4)} {d(4)}"
    if kind == 14:
        return f"（０３）{d(4)}－{d(4)}".translate(FW)
    return f"0570{h}{d(3)}{h}{d(3)}"


LOCAL_NAMES = ["taro", "hanako.s", "k-suzuki", "yamada_m", "ito2024", "sakura.t", "npo.info"]
DOMAINS = ["example.jp", "example.com", "mail.example.co.jp", "example.ne.jp", "npo-example.org"]


def email() -> str:
    local = rng.choice(LOCAL_NAMES) + rng.choice(["", d(2), d(3)])
    domain = rng.choice(DOMAINS)
    kind = rng.randrange(5)
    if kind == 0:
        return f"{local}＠{domain}"
    if kind == 1:
        table = str.maketrans(
            "abcdefghijklmnopqrstuvwxyz0123456789.@-_",
            "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ０１２３４５６７８９．＠－＿",
        )
        return f"{local}@{domain}".translate(table)
    if kind == 2:
        return f"{local.upper()}@{domain}"
    return f"{local}@{domain}"


def postal() -> tuple[str, str, str]:
    """(prefix, code, suffix) — the prefix is outside the gold span."""
    code = f"{rng.choice(['154', '155', '156', '157', '158'])}{rng.choice(HYPHENS[:4])}{d(4)}"
    kind = rng.randrange(6)
    if kind == 0:
        return "〒", code, ""
    if kind == 1:
        return "〒", code.translate(FW).replace("ー", "－"), ""
    if kind == 2:
        return "〒", code.replace(code[3], ""), ""
    if kind == 3:
        return "郵便番号", code, ""
    if kind == 4:
        return "〒 ", code, ""
    return "", code.replace(code[3], "-"), ""


TOWNS = [
    "太子堂",
    "三軒茶屋",
    "北沢",
    "代沢",
    "桜丘",
    "用賀",
    "玉川",
    "成城",
    "砧",
    "上馬",
    "下馬",
    "池尻",
    "弦巻",
    "経堂",
    "宮坂",
    "松原",
    "奥沢",
    "深沢",
    "千歳台",
    "粕谷",
    "給田",
    "南烏山",
]
KANSUJI = "一二三四五六七八九"


def kan(n: int) -> str:
    if n < 10:
        return KANSUJI[n - 1]
    if n == 10:
        return "十"
    if n < 20:
        return "十" + KANSUJI[n - 11]
    return KANSUJI[n // 10 - 1] + "十" + (KANSUJI[n % 10 - 1] if n % 10 else "")


def address() -> str:
    town = rng.choice(TOWNS)
    pre = rng.choice(["", "", "世田谷区", "東京都世田谷区"])
    a, b, c = rng.randint(1, 6), rng.randint(1, 30), rng.randint(1, 25)
    h = rng.choice(HYPHENS[:4])
    kind = rng.randrange(9)
    if kind == 0:
        return f"{pre}{town}{a}{h}{b}{h}{c}"
    if kind == 1:
        return f"{pre}{town}{kan(a)}丁目{b}番{c}号"
    if kind == 2:
        return f"{pre}{town}{kan(a)}丁目{kan(b)}番地"
    if kind == 3:
        return f"{pre}{town}{a}丁目{b}番地"
    if kind == 4:
        return (
            f"{pre}{town}{a}丁目{b}-{c}".translate(FW)
            if rng.random() < 0.5
            else f"{pre}{town}{a}丁目{b}-{c}"
        )
    if kind == 5:
        return f"{pre}{town}{a}-{b}-{c}".translate(FW)
    if kind == 6:
        return f"{pre}{town}{kan(a)}丁目{kan(b)}番{kan(c)}号"
    if kind == 7:
        return f"世田谷区{town}{a}{h}{b}"
    return f"{pre}{town}{b}番地の{c}"


def my_number() -> str:
    a, b, c = d(4), d(4), d(4)
    kind = rng.randrange(5)
    sep = ["", " ", "-", "　", "－"][kind]
    value = f"{a}{sep}{b}{sep}{c}"
    return value.translate(FW) if rng.random() < 0.3 else value


SURNAMES = [
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山口",
    "松本",
    "井上",
    "木村",
    "清水",
    "森田",
    "石井",
    "岡田",
    "長谷川",
    "藤田",
    "近藤",
    "青木",
    "坂本",
    "西村",
    "北沢",
    "宮本",
    "大野",
    "新井",
    "菊地",
]
GIVEN = [
    "太郎",
    "花子",
    "一郎",
    "健太",
    "陽子",
    "美咲",
    "翔太",
    "恵子",
    "大輔",
    "由美",
    "直樹",
    "愛",
    "隆",
    "結衣",
    "健一",
    "幸子",
    "拓也",
    "真由美",
    "浩",
    "七海",
]
KANA_GIVEN = [
    "ゆいな",
    "みさき",
    "そうすけ",
    "ひまり",
    "まなみ",
    "はると",
    "さくら",
    "あおい",
    "かおり",
    "りこ",
]
KATAKANA = ["マリア", "グエン", "ジョン", "アンナ", "リー"]


def full_name() -> str:
    sep = rng.choice(["", "", " ", "　"])
    return f"{rng.choice(SURNAMES)}{sep}{rng.choice(GIVEN)}"


# Each template: text with {slot} markers. Slots: P phone, E email, Z postal, A address,
# M my_number, N full name, S surname, K kana given name, F foreign name.
TEMPLATES: dict[str, list[str]] = {
    "P": [
        "何かあれば{P}までご連絡ください。",
        "電話番号は{P}です。",
        "自宅の電話は{P}、日中はつながりにくいです。",
        "携帯：{P}（夜なら出られます）",
        "町会の連絡先は{P}になっています。",
        "折り返しは{P}へお願いします。",
        "TEL {P}",
        "公園の件で{P}に電話しましたが誰も出ませんでした。",
        "問い合わせ先：{P}",
        "私の番号{P}に連絡をもらえると助かります。",
    ],
    "E": [
        "詳しくは{E}までメールをください。",
        "連絡はメール（{E}）でお願いします。",
        "メールアドレス：{E}",
        "結果を{E}に送ってほしいです。",
        "{E}宛に資料をお送りください。",
        "子ども会の窓口は{E}です。",
    ],
    "Z": [
        "住所は{Z}世田谷区です。",
        "{Z} 東京都世田谷区に住んでいます。",
        "返信用の宛先は{Z}です。",
        "書類は{Z}の自宅に届くようにしてください。",
    ],
    "A": [
        "私は{A}に住んでいます。",
        "自宅は{A}です。",
        "{A}の前の道路が暗くて危ないです。",
        "住所：{A}",
        "{A}の角にある空き家が気になります。",
        "実家が{A}にあり、介護で通っています。",
        "{A}付近の歩道を広げてください。",
    ],
    "M": [
        "マイナンバーは{M}です。",
        "個人番号{M}を書く欄がありました。",
        "申請書に{M}と書いてしまいました。",
        "私の個人番号（{M}）で確認できますか。",
        "番号は{M}だったと思います。",
    ],
    "N": [
        "{N}と申します。公園について意見します。",
        "氏名：{N}",
        "{N}です。子育て支援の充実を望みます。",
        "町会長の{N}さんがいつも頑張っています。",
        "担当の{N}様に大変お世話になりました。",
        "お名前：{N}",
        "私の名前は{N}です。",
        "{N}さんから聞いた話では、バスが減るそうです。",
    ],
    "S": [
        "{S}さんのおかげで防災訓練に参加できました。",
        "学校の{S}先生が意見を書くよう勧めてくれました。",
        "民生委員の{S}さんに相談しています。",
        "{S}様の対応がとても丁寧でした。",
        "隣の{S}さんと一緒に参加しました。",
        "{S}くんと毎日公園で遊んでいます。",
        "ケアマネの{S}さんによると、施設が足りないそうです。",
    ],
    "K": [
        "{K}ちゃんと図書館に行くのが好きです。",
        "友だちの{K}ちゃんも同じ意見です。",
        "弟の{K}くんは野球をしたいと言っています。",
        "{K}さんが教えてくれました。",
    ],
    "F": [
        "留学生の{F}さんも参加しやすい会にしてほしい。",
        "近所の{F}さんは日本語の案内が難しいと言っています。",
    ],
}

MIXED = [
    "{N}（{P}）まで連絡をください。",
    "{Z} {A} {N}",
    "{S}さんの家（{A}）の前に街灯をつけてください。",
    "連絡先：{P}／{E}",
    "{N}、{A}、電話{P}",
    "申込者 {N} 様、マイナンバー {M}",
    "{K}ちゃんのお母さん（{E}）から聞きました。",
    "〒と住所は{Z}、{A}です。",
]

CATEGORY = {
    "P": "phone",
    "E": "email",
    "Z": "postal_code",
    "A": "address",
    "M": "my_number",
    "N": "person_name",
    "S": "person_name",
    "K": "person_name",
    "F": "person_name",
}

NEGATIVES = [
    "世田谷区の公園をもっと増やしてほしいです。",
    "北沢地域は若い人が多く、イベントが盛んです。",
    "玉川の河川敷でバーベキューができるようにしてください。",
    "砧公園の桜がきれいでした。",
    "烏山の商店街にベンチがほしい。",
    "三軒茶屋駅の周りは自転車が多くて歩きにくいです。",
    "下北沢の再開発で街の雰囲気が変わりました。",
    "二子玉川の川沿いをもっと散歩しやすくしてほしい。",
    "2024年4月1日から新しい制度が始まると聞きました。",
    "令和6年度の予算について説明会を開いてください。",
    "保育園の待機児童が0人になったのは良いことです。",
    "図書館は9:00-20:00に開いていると助かります。",
    "参加者は10-20代が中心でした。",
    "第3章の内容がわかりにくいです。",
    "図2-1のグラフの見方を教えてください。",
    "資料の12ページに誤字があります。",
    "バスの運賃が210円から230円になりました。",
    "環状8号線の渋滞をなんとかしてほしい。",
    "国道246号の歩道橋が古くなっています。",
    "三丁目の交差点は信号が短いです。",
    "お医者さんが足りないと感じます。",
    "店員さんが親切なお店が多いです。",
    "皆さんの意見を聞く場をもっと増やしてください。",
    "お母さんたちが集まれる場所がほしいです。",
    "学校の先生が忙しすぎると思います。",
    "おばあちゃんが一人で住んでいるので心配です。",
    "赤ちゃん連れでも入りやすい施設にしてほしい。",
    "パン屋さんが閉店してしまい残念です。",
    "お疲れさまでした。説明会はわかりやすかったです。",
    "おかげさまで子どもが元気に通っています。",
    "区長の話を直接聞ける機会がほしい。",
    "区民の声を計画に反映してください。",
    "子どもや若者の意見をもっと聞いてほしいです。",
    "高齢者の見守りを地域で進めるべきです。",
    "EBPMの考え方をわかりやすく説明してください。",
    "デジタル技術の活用で手続きを簡単にしてほしい。",
    "コミュニティソーシャルワーカーを増やしてください。",
    "バックキャスティングという言葉が難しいです。",
    "物価高騰で生活が苦しいです。",
    "コロナ禍で地域のつながりが弱くなりました。",
    "人口は約92万人で、東京23区で最も多いそうです。",
    "アンケートの回答率は35.2%でした。",
    "1日に3000歩は歩くようにしています。",
    "電話での問い合わせ窓口を残してほしいです。",
    "メールで意見を送れるようにしてほしい。",
    "郵便で出す場合の宛先がわかりません。",
    "住所を書く欄が小さすぎます。",
    "マイナンバーカードの手続きが大変でした。",
    "個人番号の扱いが心配です。",
    "名前を書かなくても意見を出せるのは良いと思います。",
    "駅から徒歩5分の場所に子ども食堂があります。",
    "平日の18時以降も窓口を開けてください。",
    "3歳と5歳の子どもがいます。",
    "築50年の団地に住んでいます。",
    "2030年までに温室効果ガスを減らす目標に賛成です。",
    "ごみの分別が12種類もあって大変です。",
    "小学校の1学年が4クラスに増えました。",
    "プールの利用料金は1回400円です。",
    "世田谷線の本数を増やしてほしい。",
    "東急田園都市線はいつも混んでいます。",
    "希望が持てる計画にしてください。",
    "未来の世田谷を一緒に考えたいです。",
    "平和な地域であってほしい。",
    "光熱費の補助を続けてください。",
    "明るい街灯を増やしてほしいです。",
    "誠実な説明を求めます。",
    "地域の祭りに若者が参加しやすくしてほしい。",
    "商店街の空き店舗を活用してください。",
    "自転車専用レーンを整備してください。",
    "防災訓練に参加したいが日程が合いません。",
    "避難所の場所がわかりにくいです。",
    "区役所の新庁舎はいつ完成しますか。",
    "ボランティアに参加したい人と団体をつなぐ仕組みがほしい。",
    "NPOと区の協働を進めてください。",
    "大学と連携した講座があると良いです。",
    "部活動の地域移行が心配です。",
    "不登校の子どもの居場所を増やしてほしい。",
    "ヤングケアラーへの支援を充実させてください。",
    "外国人住民向けの案内を多言語にしてほしい。",
    "障害のある人も使いやすいトイレを増やしてほしい。",
    "こども食堂に寄付をしたいです。",
    "児童館の開館時間を延ばしてください。",
    "中学生の意見も聞いてほしいです。",
    "高校生が使える自習室がほしい。",
    "公園でボール遊びができるようにしてほしい。",
    "図書館の本をもっと増やしてほしいです。",
    "ベビーカーで通れる歩道にしてください。",
    "空き家を地域の集まりに使えるといいと思います。",
    "介護の人手不足が深刻です。",
    "認知症カフェがもっと身近にあればいいのに。",
    "健康診断の案内がわかりやすくなりました。",
    "医療費の助成を続けてください。",
    "ふるさと納税で税収が減っているのが心配です。",
    "職員の皆さんの働き方も改善してほしい。",
    "意見を出した後、どう反映されたか知りたいです。",
    "説明会の動画を公開してください。",
    "オンラインで参加できるワークショップが良かった。",
    "ワークショップは第1回から第3回まで参加しました。",
    "計画期間は2024年度から2031年度までの8年間です。",
    "No.12の施策について意見があります。",
    "資料3-2の表が見にくいです。",
    "受付番号A-2024-0012について確認したいです。",
    "バス停は5-10分おきに来ると便利です。",
    "午前10時から午後4時までの開催でした。",
    "気温が35度を超える日が増えています。",
    "会場の定員は150名です。",
    "西暦2024-2025年の工事予定を教えてください。",
    "緑地の割合を30%以上にしてください。",
    "世田谷区と目黒区の境目の道が狭いです。",
    "成城学園前駅のバリアフリー化を進めてほしい。",
    "用賀のプロムナードが好きです。",
    "経堂の農園で野菜を育てたいです。",
    "上馬の交差点は事故が多いと聞きます。",
    "動画を発信した様に、情報がすぐ広がってしまいます。",
    "住民の声を蔑ろにする様な進め方はやめてほしい。",
    "作品だけでなく氏の考え方にも共感します。",
    "百歩譲って今の計画で進めるとしても、説明が足りません。",
    "利用できなくする様にするのは反対です。",
]


# Hand-written sentences with inline gold marks «X:value» (X as in TEMPLATES), to test
# phrasings the templates above do not cover.
HANDWRITTEN = [
    "きのう«K:ゆうと»くんと公園で遊んだ。",
    "«S:たなか»先生のじゅぎょうが楽しい。",
    "«N:佐々木 次郎»（«P:070-1234-5678»）",
    "ご意見は«E:iken.setagaya@example.jp»へどうぞ。",
    "〒«Z:158-0094»、«A:玉川3-14-5»の者です。",
    "«A:世田谷区北沢2丁目7番地»に住む«N:相沢恵子»です。",
    "担当者：«S:中島»（内線なし、直通«P:03-5432-1098»）",
    "連絡はフリーダイヤル«P:0120-000-111»でもできますか。",
    "«P:090・1234・5678»に電話ください。",
    "郵便番号«Z:156-0043»、«A:松原五丁目二十番三号»です。",
    "個人番号：«M:9876 5432 1098»",
    "«F:ソフィア»ちゃんも日本語の勉強をしています。",
    "息子の«K:はると»が通う学校は遠いです。",
    "«S:高木»さん宅の前のカーブミラーが割れています。",
    "«N:大野 陽子»様から町会費の件で話がありました。",
    "メール «E:yoshida.k@example.co.jp» 電話 «P:03-3412-9876»",
    "うちは«A:代沢四丁目十五番地»です。",
    "私（«N:新井健太»）は反対です。",
    "«S:松田»さん、«S:小池»さん、«S:平野»さんと三人で参加しました。",
    "電話は«P:3412-5678»（市外局番03）です。",
    "マイナンバー«M:１２３４５６７８９０１２»の控えを持っています。",
    "«E:ｓａｋｕｒａ＠ｅｘａｍｐｌｅ．ｊｐ»に返事がほしい。",
    "«N:鈴木花子»、«A:東京都世田谷区若林1-2-3»、«P:03-1111-2222»",
    "«S:近藤»くんのお兄さんが«A:上北沢3-8-19»に住んでいます。",
    "私の電話番号は«P:080-9999-0000»、名前は«N:吉村 浩»です。",
]


def render_marked(text: str) -> tuple[str, list[dict[str, object]]]:
    out = ""
    spans: list[dict[str, object]] = []
    pos = 0
    while (i := text.find("«", pos)) >= 0:
        j = text.find("»", i)
        out += text[pos:i]
        key, value = text[i + 1 : j].split(":", 1)
        spans.append({"start": len(out), "end": len(out) + len(value), "category": CATEGORY[key]})
        out += value
        pos = j + 1
    return out + text[pos:], spans


def render(template: str) -> tuple[str, list[dict[str, object]]]:
    out = ""
    spans: list[dict[str, object]] = []
    pos = 0
    while True:
        i = template.find("{", pos)
        if i < 0:
            out += template[pos:]
            break
        out += template[pos:i]
        key = template[i + 1]
        pos = i + 3
        before, value, after = "", "", ""
        if key == "P":
            value = phone()
        elif key == "E":
            value = email()
        elif key == "Z":
            before, value, after = postal()
        elif key == "A":
            value = address()
        elif key == "M":
            value = my_number()
        elif key == "N":
            value = full_name()
        elif key == "S":
            value = rng.choice(SURNAMES)
        elif key == "K":
            value = rng.choice(KANA_GIVEN)
        elif key == "F":
            value = rng.choice(KATAKANA)
        out += before
        spans.append({"start": len(out), "end": len(out) + len(value), "category": CATEGORY[key]})
        out += value + after
    return out, spans


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    repeats = {"P": 5, "E": 6, "Z": 8, "A": 6, "M": 8, "N": 4, "S": 3, "K": 3, "F": 3}
    for key, templates in TEMPLATES.items():
        for _ in range(repeats[key]):
            for template in templates:
                text, spans = render(template)
                rows.append({"text": text, "spans": spans})
    for _ in range(4):
        for template in MIXED:
            text, spans = render(template)
            rows.append({"text": text, "spans": spans})
    for marked in HANDWRITTEN:
        text, spans = render_marked(marked)
        rows.append({"text": text, "spans": spans})
    rows.extend({"text": text, "spans": []} for text in NEGATIVES)
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["text"] not in seen:
            seen.add(str(row["text"]))
            unique.append(row)
    for n, row in enumerate(unique, 1):
        row["id"] = n
    return unique


if __name__ == "__main__":
    rows = build()
    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences -> {OUT}")
