"""The event definitions of the event studies (config `event_study`), checked against the
patrons and tie measures they name. Light (no numerical libraries), so the workflow runs the
same check while it parses, before any job starts.

An event is a tie to a patron switching on (or off): `tie` names one measure of the ties table
or several (the tie is on when any of them is); `threshold`, when given, is the value from
which a measure counts as on (US troops >= 1000); without it every measure must be 0/1.
"""

from __future__ import annotations

from collections.abc import Iterable

from abstention.errors import DataError

CONFIG = "config/config.yaml"
DIRECTIONS = ("on", "off")


def event_ties(event: dict) -> list[str]:
    """The tie measures an event reads, as a list."""
    tie = event["tie"]
    return [tie] if isinstance(tie, str) else list(tie)


def tie_label(event: dict) -> str:
    return " or ".join(event_ties(event))


def check_window(settings: dict) -> None:
    """The window holds the reference period, which is a pre-event period, and at least one
    period after the event."""
    first, last = settings["window"]
    reference = settings["reference"]
    if not first <= reference < 0:
        raise DataError(CONFIG, "event_study.reference",
                        f"a period before the event inside the window [{first}, {last}]",
                        reference)
    if last < 0 or first >= last:
        raise DataError(CONFIG, "event_study.window",
                        "[first, last] with first < 0 <= last", settings["window"])


def check_events(settings: dict, patrons: Iterable[str], tie_names: Iterable[str]) -> None:
    """Every event names a patron of `ties.patrons` and tie measures of the ties table
    (`tie_names`: its columns, or the measures and composites it will have)."""
    patrons, tie_names = list(patrons), sorted(set(tie_names))
    for name, event in settings["events"].items():
        if event["patron"] not in patrons:
            raise DataError(CONFIG, f"event_study.events.{name}.patron",
                            f"a patron of ties.patrons {patrons}", event["patron"],
                            known=patrons)
        unknown = [tie for tie in event_ties(event) if tie not in tie_names]
        if unknown:
            raise DataError(CONFIG, f"event_study.events.{name}.tie",
                            "tie measures of results/data/ties_state_year.parquet",
                            unknown if len(unknown) > 1 else unknown[0], known=tie_names)
        if event.get("direction", "on") not in DIRECTIONS:
            raise DataError(CONFIG, f"event_study.events.{name}.direction",
                            f"one of {DIRECTIONS}", event.get("direction"), known=DIRECTIONS)
