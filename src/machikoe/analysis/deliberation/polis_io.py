"""Reading and writing Polis' export format (comments.csv, votes.csv, participants-votes.csv).

Format (compdemocracy/openData): votes.csv `timestamp,datetime,comment-id,voter-id,vote` with
vote 1 = agree, -1 = disagree, 0 = pass and timestamps in Unix milliseconds (or seconds in
some newer exports); comments.csv `timestamp,datetime,comment-id,author-id,agrees,disagrees,
moderated,comment-body` with moderated 1 / 0 / -1 (-1 = moderated out); participants-votes.csv
`participant,group-id,n-comments,n-votes,n-agree,n-disagree,<comment ids…>`.
Any malformed row raises `PolisFormatError` naming the file and line; nothing is returned.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from machikoe.analysis.deliberation.votes import VOTE_VALUES, VoteLog
from machikoe.analysis.text.encoding import UnknownEncoding, decode_japanese_text

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS = "participants-votes.csv"
COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
MS_THRESHOLD = 1e11  # timestamps above this are milliseconds (1e11 s is the year 5138)


class PolisFormatError(ValueError):
    """A Polis export that cannot be read: `file`, `line` (1 = header) and `column` at fault."""

    def __init__(
        self, message: str, *, file: str, line: int | None = None, column: str | None = None
    ) -> None:
        where = file + (f" {line} 行目" if line else "") + (f" 列「{column}」" if column else "")
        super().__init__(f"{where}: {message}")
        self.reason = message
        self.file = file
        self.line = line
        self.column = column


@dataclass(frozen=True)
class PolisComment:
    id: int
    author: int | None
    text: str
    moderated: int
    timestamp: float
    is_meta: bool = False


@dataclass(frozen=True)
class PolisVote:
    voter: int
    comment: int
    vote: int
    timestamp: float


@dataclass(frozen=True)
class PolisExport:
    """A parsed export. `groups` is Polis' own `group-id` per participant (None = none)."""

    comments: tuple[PolisComment, ...]
    votes: tuple[PolisVote, ...]
    groups: Mapping[int, int | None]

    @property
    def moderated_out(self) -> frozenset[int]:
        return frozenset(c.id for c in self.comments if c.moderated < 0)

    def vote_log(self) -> VoteLog:
        """The votes as a VoteLog (seconds), comments in id order."""
        return VoteLog.from_events(
            ((v.voter, v.comment, v.vote, v.timestamp) for v in self.votes),
            statements=sorted(c.id for c in self.comments),
        )


def _seconds(value: float) -> float:
    return value / 1000.0 if value > MS_THRESHOLD else value


def _int(
    row: dict[str, str], column: str, file: str, line: int, *, allow_empty: bool = False
) -> int | None:
    raw = (row.get(column) or "").strip()
    if not raw and allow_empty:
        return None
    try:
        return int(float(raw)) if re.fullmatch(r"-?\d+(\.0+)?", raw) else int(raw)
    except ValueError:
        raise PolisFormatError(
            f"整数ではありません: {raw!r}", file=file, line=line, column=column
        ) from None


def _reader(text: str, file: str, required: Iterable[str]) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise PolisFormatError(
            "必要な列がありません: " + ", ".join(missing), file=file, line=1, column=missing[0]
        )
    return reader


def parse_comments(text: str, file: str = COMMENTS) -> list[PolisComment]:
    """comments.csv → comments; duplicates, bad ids or a bad `moderated` value fail."""
    out: list[PolisComment] = []
    seen: set[int] = set()
    for row in _reader(text, file, COMMENT_COLUMNS):
        line = row_line(row)
        cid = _int(row, "comment-id", file, line)
        assert cid is not None
        if cid in seen:
            raise PolisFormatError(
                f"コメント ID {cid} が重複しています", file=file, line=line, column="comment-id"
            )
        seen.add(cid)
        moderated = _int(row, "moderated", file, line)
        if moderated not in (-1, 0, 1):
            raise PolisFormatError(
                "moderated は -1, 0, 1 のいずれかです", file=file, line=line, column="moderated"
            )
        ts = _int(row, "timestamp", file, line)
        meta_raw = (row.get("is-meta") or row.get("is_meta") or "").strip().lower()
        out.append(
            PolisComment(
                id=cid,
                author=_int(row, "author-id", file, line, allow_empty=True),
                text=row.get("comment-body") or "",
                moderated=moderated,
                timestamp=_seconds(float(ts or 0)),
                is_meta=meta_raw in {"1", "true", "t", "yes"},
            )
        )
    return out


def parse_votes(
    text: str, comment_ids: set[int] | None = None, file: str = VOTES
) -> list[PolisVote]:
    """votes.csv → votes; an unknown comment or a vote other than -1/0/1 fails."""
    out: list[PolisVote] = []
    for row in _reader(text, file, VOTE_COLUMNS):
        line = row_line(row)
        cid = _int(row, "comment-id", file, line)
        voter = _int(row, "voter-id", file, line)
        vote = _int(row, "vote", file, line)
        ts = _int(row, "timestamp", file, line)
        assert cid is not None and voter is not None and ts is not None
        if vote not in VOTE_VALUES:
            raise PolisFormatError(
                "vote は 1（賛成）、-1（反対）、0（パス）のいずれかです",
                file=file,
                line=line,
                column="vote",
            )
        if comment_ids is not None and cid not in comment_ids:
            raise PolisFormatError(
                f"comments.csv にないコメント ID {cid} への投票です",
                file=file,
                line=line,
                column="comment-id",
            )
        out.append(PolisVote(voter, cid, int(vote), _seconds(float(ts))))
    return out


def parse_participant_groups(text: str, file: str = PARTICIPANTS) -> dict[int, int | None]:
    """participants-votes.csv → Polis' group-id for each participant (None when empty)."""
    out: dict[int, int | None] = {}
    for row in _reader(text, file, ("participant", "group-id")):
        line = row_line(row)
        pid = _int(row, "participant", file, line)
        assert pid is not None
        out[pid] = _int(row, "group-id", file, line, allow_empty=True)
    return out


def row_line(row: dict[str, str]) -> int:
    """Line number of a DictReader row (set by `_numbered`)."""
    return int(row.get("__line__", 0) or 0)


def read_export(source: str | Path) -> PolisExport:
    """Read a Polis export folder or .zip (files may sit in one sub-folder of the zip).

    comments.csv and votes.csv are required; participants-votes.csv is optional.
    """
    files = _load_files(Path(source))
    for name in (COMMENTS, VOTES):
        if name not in files:
            raise PolisFormatError("ファイルがありません", file=name)
    comments = parse_comments(_numbered(files[COMMENTS]))
    votes = parse_votes(_numbered(files[VOTES]), {c.id for c in comments})
    groups = (
        parse_participant_groups(_numbered(files[PARTICIPANTS])) if PARTICIPANTS in files else {}
    )
    return PolisExport(tuple(comments), tuple(votes), groups)


def _numbered(text: str) -> str:
    """Add a `__line__` column holding each record's physical line number.

    Multi-line quoted fields are handled by reading records with csv first.
    """
    rows = list(csv.reader(io.StringIO(text)))
    # Line numbers: count physical lines consumed per record.
    reader = csv.reader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    line_no = 1
    for i, row in enumerate(reader):
        start = line_no if i else 1
        writer.writerow([*row, "__line__" if i == 0 else str(start)])
        line_no = reader.line_num + 1
    del rows
    return out.getvalue()


def _decode(data: bytes, name: str) -> str:
    try:
        return decode_japanese_text(data)[0]
    except UnknownEncoding as error:
        raise PolisFormatError(str(error), file=name) from None


def _load_files(source: Path) -> dict[str, str]:
    wanted = {COMMENTS, VOTES, PARTICIPANTS}
    files: dict[str, str] = {}
    if source.is_dir():
        for name in wanted:
            path = source / name
            if path.exists():
                files[name] = _decode(path.read_bytes(), name)
        return files
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base in wanted and base not in files:
                    files[base] = _decode(archive.read(info), base)
        return files
    raise PolisFormatError("フォルダーでも zip でもありません", file=str(source))


def write_export(
    folder: Path,
    comments: Iterable[PolisComment],
    votes: Iterable[PolisVote],
    groups: Mapping[int, int | None] | None = None,
) -> None:
    """Write comments.csv, votes.csv and participants-votes.csv in Polis' layout."""
    folder.mkdir(parents=True, exist_ok=True)
    comments = sorted(comments, key=lambda c: c.id)
    votes = sorted(votes, key=lambda v: v.timestamp)
    latest: dict[tuple[int, int], int] = {}
    for v in votes:
        latest[(v.voter, v.comment)] = v.vote
    counts: dict[int, list[int]] = {}
    for (_voter, cid), vote in latest.items():
        tally = counts.setdefault(cid, [0, 0])
        if vote == 1:
            tally[0] += 1
        elif vote == -1:
            tally[1] += 1
    with (folder / COMMENTS).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in comments:
            a, d = counts.get(c.id, [0, 0])
            w.writerow(
                [
                    int(c.timestamp * 1000),
                    _dt(c.timestamp),
                    c.id,
                    "" if c.author is None else c.author,
                    a,
                    d,
                    c.moderated,
                    c.text,
                ]
            )
    with (folder / VOTES).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for v in votes:
            w.writerow([int(v.timestamp * 1000), _dt(v.timestamp), v.comment, v.voter, v.vote])
    voters = sorted({v for v, _ in latest})
    authored: dict[int, int] = {}
    for c in comments:
        if c.author is not None:
            authored[c.author] = authored.get(c.author, 0) + 1
    ids = [c.id for c in comments]
    with (folder / PARTICIPANTS).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *ids]
        )
        for p in voters:
            row = [latest.get((p, cid)) for cid in ids]
            given = [x for x in row if x is not None]
            g = (groups or {}).get(p)
            w.writerow(
                [
                    p,
                    "" if g is None else g,
                    authored.get(p, 0),
                    len(given),
                    given.count(1),
                    given.count(-1),
                    *["" if x is None else x for x in row],
                ]
            )


def _dt(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
