"""Config rules: Python expressions over a table's columns (a composite tie, a patron-opposed
text), checked for unknown names at start-up and evaluated row by row, so a definition can be
changed in config without touching code."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from abstention.errors import DataError

if TYPE_CHECKING:  # light at parse time: the workflow checks rules before any job runs
    import pandas as pd

CONFIG = "config/config.yaml"
# The fields a patron-opposed rule (config `text_patrons.patron_opposed`) may read.
TEXT_RULE_FIELDS = ("patron_vote", "own_conflict", "bloc_yes_share", "bloc_size", "year")


def rule_names(rule: str, key: str) -> set[str]:
    """The names a rule reads; a rule that is not an expression stops naming its key."""
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError as error:
        raise DataError(CONFIG, key, "a Python expression", rule) from error
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def check_rules(rules: dict[str, str], fields: list[str], where: str) -> None:
    """Each rule reads only the given fields or the rules defined before it."""
    known = list(fields)
    for name, rule in rules.items():
        unknown = sorted(rule_names(rule, f"{where}.{name}") - set(known))
        if unknown:
            raise DataError(CONFIG, f"{where}.{name}", f"fields among {known}", unknown,
                            known=known)
        known.append(name)


def evaluate(frame: pd.DataFrame, rule: str, key: str) -> pd.Series:
    """The rule's value on each row (1.0 or 0.0), missing where a field it reads is missing."""
    read = sorted(rule_names(rule, key) & set(frame.columns))
    values = frame.eval(rule, engine="python").astype(float)
    return values.where(frame[read].notna().all(axis=1))
