"""One key per General Assembly text, whatever the way a source writes its symbol.

Sources write one text as 'A/RES/1514(XV)', 'R/15/1514' or 'A/RES/15/1514', and a part as
'R/31/15D', 'A/RES/31/15[D]' or 'A/RES/31/15 D' (a section: 'R/39/236/III',
'A/RES/39/236[SectionIII]'); the key is '15/1514' and '31/15D', so texts
can be matched and counted across sources. A symbol in no such form has no key.
"""

from __future__ import annotations

import re

SYMBOL = re.compile(
    r"(?:A/RES/|R/)"
    r"(?:(?P<session>(?:ES-|S-)?\d+)/(?P<number>\d+)"
    r"|(?P<old_number>\d+)\s*\((?P<old_session>(?:ES-|S-)?(?:[IVXL]+|\d+))\))"
    r"(?P<part>[\s\[\]/A-Za-z0-9.\-]*)"
)
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _arabic(roman: str) -> int:
    values = [ROMAN[c] for c in roman]
    return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))


def text_key(symbol: object) -> str | None:
    """'A/RES/3525(XXX)[A]' -> '30/3525A'; None for a symbol in no known form."""
    match = SYMBOL.fullmatch(" ".join(str(symbol).split()))
    if match is None:
        return None
    part = re.sub(r"[\s\[\]/]|SECTION", "", match["part"].upper())
    if match["session"] is not None:
        return f"{match['session']}/{match['number']}{part}"
    prefix, _, number = match["old_session"].rpartition("-")
    number = number if number.isdigit() else str(_arabic(number))
    session = f"{prefix}-{number}" if prefix else number
    return f"{session}/{match['old_number']}{part}"
