"""Regular-expression detectors for formatted personal data.

Each detector accepts half- and full-width digits, every hyphen people type (ASCII, ー, －,
‐, −, –, —) and the usual Japanese labels (〒, TEL, 携帯). Offsets are into the original text;
nothing is normalised in place so spans stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

D = "[0-9０-９]"
NOT_D_BEFORE = "(?<![0-9０-９])"
NOT_D_AFTER = "(?![0-9０-９])"
HY = "[-‐‑‒–—―−ーｰ－─━]"
KANSUJI = "[一二三四五六七八九十〇零百]"
NUM = f"(?:{D}{{1,4}}|{KANSUJI}{{1,4}})"

_EMAIL = re.compile(
    r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-＿．－]+"
    r"(?:[@＠]|\(at\)|（at）|\[at\]|［at］)"
    r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]+(?:[.．][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]+)*"
    r"[.．][A-Za-zＡ-Ｚａ-ｚ]{2,}"
)

_MY_NUMBER = re.compile(
    rf"{NOT_D_BEFORE}(?<!{D}{HY}){D}{{4}}[ 　]?(?:{HY}[ 　]?)?{D}{{4}}[ 　]?(?:{HY}[ 　]?)?{D}{{4}}"
    rf"{NOT_D_AFTER}(?![ 　]?{HY}?[ 　]?{D})"
)

# A candidate phone: +81 or a leading 0 (maybe in brackets), then digit groups joined by a
# hyphen, a dot, a space or brackets. The digit count is checked afterwards.
_PHONE = re.compile(
    rf"{NOT_D_BEFORE}(?:(?:[+＋](?:81|８１)(?:[ 　]|{HY})?[(（]?{D}{{1,4}}[)）]?)|(?:[(（][0０]{D}{{0,4}}[)）])|"
    rf"(?:[0０]{D}{{0,10}}))"
    rf"(?:(?:{HY}|[ 　.．・])?[(（]?{D}{{1,4}}[)）]?){{0,3}}{NOT_D_AFTER}"
)
_PHONE_STRICT = re.compile(
    rf"{NOT_D_BEFORE}(?:[+＋](?:81|８１)(?:[ 　]|{HY})?[(（]?{D}{{1,4}}[)）]?|[(（]?[0０]{D}{{0,4}}[)）]?)"
    rf"(?:(?:{HY}|[(（)）])[(（]?{D}{{1,4}}[)）]?){{1,3}}{NOT_D_AFTER}"
)
# A local number without area code, only after a phone label: 電話 3412-5678.
_PHONE_LOCAL = re.compile(
    rf"(?:電話|でんわ|TEL|Tel|tel|ＴＥＬ|Ｔｅｌ|℡|携帯|FAX|Fax|ＦＡＸ|ファックス|連絡先)"
    rf"[^0-9０-９\n]{{0,8}}?{NOT_D_BEFORE}({D}{{3,4}}{HY}{D}{{4}}){NOT_D_AFTER}(?!{HY}{D})"
)

_POSTAL_MARKED = re.compile(
    rf"(?:〒|郵便番号|ゆうびん番号|〠)[ 　]*(?:は|：|:)?[ 　]*({D}{{3}}{HY}?{D}{{4}}){NOT_D_AFTER}"
)
_POSTAL_BARE = re.compile(
    rf"{NOT_D_BEFORE}(?<!{D}{HY}){D}{{3}}{HY}{D}{{4}}{NOT_D_AFTER}(?!{HY}[0-9０-９])"
)

_ADDRESS_BLOCK = re.compile(
    rf"{NUM}丁目(?:{HY}?{NUM}(?:番地?|{HY}){NUM}(?:号)?|{HY}?{NUM}番地?(?:の?{NUM}号?)?|{HY}?{D}{{1,4}}{NOT_D_AFTER})"
    rf"|{NUM}番地(?:の?{NUM}号?)?"
    rf"|{NUM}番{NUM}号"
)
_ADDRESS_DASHED = re.compile(
    rf"{NOT_D_BEFORE}{D}{{1,4}}(?:{HY}{D}{{1,4}}){{1,3}}{NOT_D_AFTER}(?:号室|号)?"
)
_PLACE_CHAR = re.compile(r"[一-龥々〆ヶケァ-ヴー]")
_TOWN_MARK = re.compile(r"[都道府県区市町村郡]|丁目")
_NOT_TOWN_END = set("第表図章節項版号番期条回位歳円年月日時分秒割人件頁")
_KANSUJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _digits(s: str) -> str:
    return "".join(str(ord(c) - ord("０")) if "０" <= c <= "９" else c for c in s if c.isdigit())


def _phone_ok(candidate: str) -> bool:
    digits = _digits(candidate)
    stripped = candidate.lstrip(" 　(（")
    if stripped[:1] in "+＋":
        national = digits[2:]
        return 9 <= len(national) <= 10
    if not digits.startswith("0"):
        return False
    if digits.startswith("0120") or digits.startswith("0800") or digits.startswith("0570"):
        return len(digits) in (10, 11)
    return len(digits) in (10, 11)


def _town_start(text: str, start: int, limit: int = 20) -> int:
    """Extend an address to the left over the place name written before its numbers."""
    pos = start
    while pos > 0 and start - pos < limit and _PLACE_CHAR.match(text[pos - 1]):
        pos -= 1
    return pos


def find(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, category) of every formatted match, in detector priority order."""
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email"
    for m in _MY_NUMBER.finditer(text):
        yield m.start(), m.end(), "my_number"
    for m in _PHONE_LOCAL.finditer(text):
        yield m.start(1), m.end(1), "phone"
    for m in _PHONE.finditer(text):
        if _phone_ok(m.group()):
            yield m.start(), m.end(), "phone"
        else:
            for s in _PHONE_STRICT.finditer(m.group()):
                if _phone_ok(s.group()):
                    yield m.start() + s.start(), m.start() + s.end(), "phone"
    for m in _POSTAL_MARKED.finditer(text):
        yield m.start(1), m.end(1), "postal_code"
    for m in _POSTAL_BARE.finditer(text):
        yield m.start(), m.end(), "postal_code"
    yield from _addresses(text)


def _addresses(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _ADDRESS_BLOCK.finditer(text):
        yield _town_start(text, m.start()), m.end(), "address"
    for m in _ADDRESS_DASHED.finditer(text):
        start = _town_start(text, m.start())
        town = text[start : m.start()]
        if not town or town[-1] in _NOT_TOWN_END:
            continue
        parts = len(re.findall(D + "+", m.group()))
        if _TOWN_MARK.search(town) or (parts >= 3 and len(town) >= 2):
            yield start, m.end(), "address"
