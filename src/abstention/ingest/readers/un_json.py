"""UN resolution extracts (UNxml): one JSON object per line, one line per resolution.

The reader is strict: a line that is not a JSON object with the expected keys
stops the run naming the file and line. Counts are parsed strictly too: only a
canonical non-negative integer is a count. "N.A.", empty strings and
zero-padded values such as "015" are kept as missing with the raw text in
`count_issue`, so the tally report can show them instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from abstention.errors import DataError

VOTE_LISTS = {"MS_in_favour": "yes", "MS_against": "no", "MS_abstaining": "abstain"}
COUNT_FIELDS = {
    "yes": "MS_in_favour_count", "no": "MS_against_count", "abstain": "MS_abstaining_count",
}
SPONSOR_LISTS = {"sponsors": "sponsor", "additional_sponsors": "additional"}
REQUIRED_KEYS = ("symbol", "adoption_date", "adoption_type", *VOTE_LISTS, *COUNT_FIELDS.values(),
                 *SPONSOR_LISTS)
CANONICAL_COUNT = re.compile(r"0|[1-9][0-9]*")
MEETING_PLACE = re.compile(r" in [A-Z][a-z]+$")  # e.g. "... 1982 in Nairobi"
GA_SESSION = re.compile(r"^A/RES/((?:ES-|S-)?\d+)/")


@dataclass(frozen=True)
class ResolutionRecords:
    resolutions: pd.DataFrame
    listed_votes: pd.DataFrame
    sponsor_entries: pd.DataFrame


def parse_count(raw: object) -> tuple[int | None, str | None]:
    """A count, or None with the raw text when the source's value is not a canonical integer."""
    text = str(raw).strip() if raw is not None else ""
    if CANONICAL_COUNT.fullmatch(text):
        return int(text), None
    return None, text


def _parse_date(text: str, path: Path, key: str) -> pd.Timestamp:
    cleaned = MEETING_PLACE.sub("", " ".join(str(text).split()))
    for fmt in ("%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return pd.Timestamp(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    raise DataError(path, key, "an adoption date like '2 March 2022'", text)


def _session(symbol: str, body: str, date: pd.Timestamp) -> str:
    if body == "SC":
        return str(date.year)
    match = GA_SESSION.match(symbol)
    return match.group(1) if match else ""


def _load_line(path: Path, number: int, line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"line {number}", "one complete JSON object",
                        f"{exc.msg}: {line[:80]!r}") from exc
    if not isinstance(record, dict):
        raise DataError(path, f"line {number}", "a JSON object", type(record).__name__)
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise DataError(path, f"line {number}", f"keys {list(REQUIRED_KEYS)}", f"missing {missing}")
    for key in (*VOTE_LISTS, *SPONSOR_LISTS):
        if not isinstance(record[key], list):
            raise DataError(path, f"line {number} {key}", "a list of names", record[key])
    return record


def read_resolution_file(path: str | Path, body: str) -> ResolutionRecords:
    """Read one UNxml extract file; `body` is 'GA' or 'SC'."""
    path = Path(path)
    resolutions, votes, sponsors = [], [], []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            record = _load_line(path, number, line)
            symbol = " ".join(str(record["symbol"]).split())
            line_key = f"{path.name}:{number}"
            date = _parse_date(record["adoption_date"], path, f"line {number} adoption_date")
            row = {
                "res_id": symbol,
                "body": body,
                "symbol": symbol,
                "session": _session(symbol, body, date),
                "date": date,
                "title": record.get("title") or record.get("resolution_title") or "",
                "draft": record.get("originating_document") or record.get("draft_resolution") or "",
                "agenda_item": record.get("agenda_item_name") or "",
                "adoption_type": record["adoption_type"],
                "line_key": line_key,
            }
            issues = []
            for vote, field in COUNT_FIELDS.items():
                count, issue = parse_count(record[field])
                row[f"official_{vote}"] = count
                if issue is not None:
                    issues.append(f"{field}={issue!r}")
            row["count_issue"] = "; ".join(issues)
            resolutions.append(row)
            for key, vote in VOTE_LISTS.items():
                votes.extend({"res_id": symbol, "name": n, "vote": vote, "line_key": line_key}
                             for n in record[key])
            for key, role in SPONSOR_LISTS.items():
                sponsors.extend({"res_id": symbol, "entry": e, "role": role, "line_key": line_key}
                                for e in record[key])
    if not resolutions:
        raise DataError(path, "lines", "one JSON object a line", "no resolution in the file")
    frame = pd.DataFrame(resolutions)
    for vote in COUNT_FIELDS:
        frame[f"official_{vote}"] = frame[f"official_{vote}"].astype("Int64")
    return ResolutionRecords(
        frame,
        pd.DataFrame(votes, columns=["res_id", "name", "vote", "line_key"]),
        pd.DataFrame(sponsors, columns=["res_id", "entry", "role", "line_key"]),
    )


def read_resolution_files(paths: list[str | Path], body: str) -> ResolutionRecords:
    parts = [read_resolution_file(p, body) for p in sorted(paths)]
    return ResolutionRecords(
        *(pd.concat([getattr(p, f) for p in parts], ignore_index=True)
          for f in ("resolutions", "listed_votes", "sponsor_entries"))
    )
