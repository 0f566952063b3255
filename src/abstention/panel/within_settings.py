"""The within-state design's settings (config `within` and `hypotheses.within_entries`),
checked against the patrons and tie measures of the ties table. Light (no numerical
libraries), so the workflow runs the same checks while it parses, before any job starts."""

from __future__ import annotations

from collections.abc import Iterable

from abstention.errors import DataError

CONFIG = "config/config.yaml"
# Outcome -> the panel rows it is defined on.
OUTCOMES = {
    "not_yes": "recorded",
    "not_cosponsor": "sponsor_list",
    "not_cosponsor_joined": "joined_list",
}
WEIGHTS = ("rademacher", "webb")
# The effects a design may absorb: the state in a period, the text, and the state's own
# standing difference between patron-opposed and other texts (its alignment with the patron).
FIXED_EFFECTS = ("state_period", "text", "state_opposed")
# How tables and sentences name each patron of ties.patrons (a patron not listed is named by
# its code); the names a sentence gives an article.
PATRON_NAMES = {"RUS": "Russia", "USA": "United States", "CHN": "China"}
WITH_ARTICLE = {"USA"}


def patron_name(patron: str, in_sentence: bool = False) -> str:
    name = PATRON_NAMES.get(patron, patron)
    return f"the {name}" if in_sentence and patron in WITH_ARTICLE else name


def _unknown(found: Iterable[str], known: Iterable[str], key: str, expected: str) -> None:
    known = list(known)
    missing = sorted(set(found) - set(known))
    if missing:
        raise DataError(CONFIG, key, expected, missing, known=known)


def check_settings(settings: dict, patrons: Iterable[str], tie_names: Iterable[str]) -> None:
    """Patrons of the ties table with known tie measures, known outcomes, designs and weights,
    and enough draws and permutations for a p-value reported to 0.001."""
    patrons, tie_names = list(patrons), sorted(set(tie_names))
    _unknown(settings["ties"], patrons, "within.ties", f"patrons of ties.patrons {patrons}")
    for patron, measures in settings["ties"].items():
        _unknown(measures, tie_names, f"within.ties.{patron}", "tie measures of the ties table")
    if settings["main_tie"] not in {m for ms in settings["ties"].values() for m in ms}:
        raise DataError(CONFIG, "within.main_tie", "a tie measure listed under within.ties",
                        settings["main_tie"])
    _unknown(settings["outcomes"], OUTCOMES, "within.outcomes", f"names among {list(OUTCOMES)}")
    for design, absorb in settings["designs"].items():
        _unknown(absorb, FIXED_EFFECTS, f"within.designs.{design}",
                 f"fixed effects among {list(FIXED_EFFECTS)}")
    if settings["main_design"] not in settings["designs"]:
        raise DataError(CONFIG, "within.main_design", "a design of within.designs",
                        settings["main_design"], known=settings["designs"])
    boot, ri = settings["bootstrap"], settings["randomisation"]
    for key, named in (("randomisation.outcomes", ri["outcomes"]),
                       ("costly_comparison", settings["costly_comparison"])):
        _unknown(named, settings["outcomes"], f"within.{key}", "outcomes of within.outcomes")
    if boot["weights"] not in WEIGHTS:
        raise DataError(CONFIG, "within.bootstrap.weights", f"one of {WEIGHTS}",
                        boot["weights"], known=WEIGHTS)
    if boot["draws"] < 999:
        raise DataError(CONFIG, "within.bootstrap.draws",
                        "at least 999 draws (p reported to 0.001)", boot["draws"])
    if ri["permutations"] < 999:
        raise DataError(CONFIG, "within.randomisation.permutations",
                        "at least 999 permutations (p reported to 0.001)", ri["permutations"])
    if ri["batch"] > ri["permutations"]:
        raise DataError(CONFIG, "within.randomisation.batch",
                        f"at most the {ri['permutations']} permutations", ri["batch"])
    multiverse = settings["multiverse"]
    _unknown(multiverse["outcomes"], settings["outcomes"], "within.multiverse.outcomes",
             "outcomes of within.outcomes")
    early = [year for year in multiverse["first_years"] if year < settings["first_year"]]
    if early:
        raise DataError(CONFIG, "within.multiverse.first_years",
                        f"years from within.first_year ({settings['first_year']}), the "
                        "panel's first", early)


def comparison_name(settings: dict) -> str:
    costly, cheap = settings["costly_comparison"]
    return f"{costly}_vs_{cheap}"


def check_entries(entries: dict, settings: dict) -> None:
    """Each within-state hypothesis names patrons of the design and one of its quantities."""
    quantities = [*settings["outcomes"], comparison_name(settings)]
    for key, entry in entries.items():
        _unknown(entry["patrons"], settings["ties"], f"hypotheses.within_entries.{key}.patrons",
                 "patrons of within.ties")
        if entry["outcome"] not in quantities:
            raise DataError(CONFIG, f"hypotheses.within_entries.{key}.outcome",
                            f"one of {quantities}", entry["outcome"], known=quantities)
