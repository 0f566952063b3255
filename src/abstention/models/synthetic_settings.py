"""The Israel comparison's settings (config `israel_synthetic`) checked for what the schema
cannot say. Light (no numerical libraries), so the workflow runs the check while it parses."""

from __future__ import annotations

from datetime import date

from abstention.errors import DataError

CONFIG = "config/config.yaml"
SECTION = "israel_synthetic"
TREATED = "ISR"
PATRON = "RUS"
WINDOWS = ("pre", "during", "after")


def check_settings(settings: dict) -> None:
    """Windows in order, a whole year to fit on before the first boundary, and Israel not
    excluded from its own comparison."""
    during, after = (date.fromisoformat(str(settings["windows"][name])) for name in WINDOWS[1:])
    if not during < after:
        raise DataError(CONFIG, f"{SECTION}.windows.after",
                        f"a date after windows.during ({settings['windows']['during']})",
                        settings["windows"]["after"])
    if settings["first_year"] >= during.year:
        raise DataError(CONFIG, f"{SECTION}.first_year",
                        f"a year before {during.year}, the year the during window "
                        "opens (at least one whole year to fit on)", settings["first_year"])
    if TREATED in settings["exclude"] or PATRON in settings["exclude"]:
        raise DataError(CONFIG, f"{SECTION}.exclude",
                        f"donor states only ({TREATED} is the treated unit, {PATRON} the patron)",
                        settings["exclude"])
