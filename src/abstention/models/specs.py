"""Model specifications resolved from config: light enough for the workflow to import while it
parses (no numerical libraries), so the DAG is built without loading the estimators."""

from __future__ import annotations

import hashlib
import json
import re

from abstention.errors import DataError
from abstention.models.common import BINARY_ESTIMATORS
from abstention.models.panel_columns import PANEL_COLUMNS

WITH_SPONSOR_LIST = "with_sponsor_list"
QUANTITIES = ("ame", "relative_ame_difference", "ame_difference")


def interaction_name(pair: list[str]) -> str:
    return f"{pair[0]}_x_{pair[1]}"


CONFIG_FILE = "config/config.yaml"
TEXT_SYMBOL = re.compile(r"^A/RES/[A-Z0-9-]+/\d+[A-Z]?$")
# The spec keys that name panel columns, each a list of names.
COLUMN_LISTS = ("add_covariates", "categorical", "fixed_effects")


class HashedParam(dict):
    """A rule parameter that Snakemake records, and prints when it changes, as a hash of its
    content rather than whole: a changed spec or setting still reruns its job, and the
    `reason:` line stays one readable line. Labelled by `label`, else by its `name` key."""

    def __init__(self, content: dict, label: str | None = None):
        super().__init__(content)
        self.label = label or str(content.get("name", "param"))

    def __repr__(self) -> str:
        content = json.dumps(self, sort_keys=True, default=str).encode()
        return f"<{self.label} sha256:{hashlib.sha256(content).hexdigest()[:16]}>"


def resolve_spec(name: str, spec: dict, settings: dict) -> HashedParam:
    """Fill defaults, expand named covariate and text sets, name interaction columns. Dropping
    a covariate the model does not have is an error, never a no-op."""
    where, key = CONFIG_FILE, f"models.{name}"
    full = {**settings["model_defaults"], **spec, "name": name}
    covariates = full["covariates"]
    if isinstance(covariates, str):
        sets = settings["covariate_sets"]
        if covariates not in sets:
            raise DataError(where, f"{key}.covariates", "a list or a config covariate_sets key",
                            covariates, known=sets)
        full["covariates"] = list(sets[covariates])
    dropped = list(full.get("drop_covariates", []))
    absent = [c for c in dropped if c not in full["covariates"]]
    if absent:
        raise DataError(where, f"{key}.drop_covariates",
                        f"covariates of the model ({', '.join(full['covariates'])})",
                        absent if len(absent) > 1 else absent[0], known=full["covariates"])
    full["covariates"] = [c for c in full["covariates"] if c not in dropped]
    full["covariates"] = full["covariates"] + list(full.get("add_covariates", []))
    full["covariates"] += [interaction_name(pair) for pair in full.get("interactions", [])]
    texts = full["resolutions"]
    if isinstance(texts, str) and texts not in ("all", WITH_SPONSOR_LIST):
        text_sets = settings["text_sets"]
        if texts not in text_sets:
            raise DataError(where, f"{key}.resolutions",
                            f"a list, 'all', '{WITH_SPONSOR_LIST}' or a config text_sets key",
                            texts, known=[*text_sets, "all", WITH_SPONSOR_LIST])
        full["resolutions"] = list(text_sets[texts])
    return HashedParam(full)


def check_spec_names(spec: dict, columns: tuple[str, ...] = PANEL_COLUMNS) -> None:
    """Every name a resolved spec uses is a declared panel column (or, for texts, a General
    Assembly symbol), checked at start-up so a typo never fits a different model than the one
    written. The states a spec leaves out are checked against the panel by the fitting job."""
    key = f"models.{spec['name']}"

    def check(field: str, names: list[str]) -> None:
        unknown = [n for n in names if n not in columns]
        if unknown:
            raise DataError(CONFIG_FILE, f"{key}.{field}", "columns of the analysis panel",
                            unknown if len(unknown) > 1 else unknown[0], known=columns)

    # Each name is reported under the key it was written in: an added covariate under
    # add_covariates, not under the set it joins.
    written_elsewhere = {interaction_name(pair) for pair in spec.get("interactions", [])}
    written_elsewhere.update(spec.get("add_covariates", []))
    check("outcome", [spec["outcome"]])
    for field in COLUMN_LISTS:
        check(field, list(spec.get(field, [])))
    check("covariates", [c for c in spec["covariates"] if c not in written_elsewhere])
    check("interactions", [c for pair in spec.get("interactions", []) for c in pair])
    check("exclude_where", list(spec.get("exclude_where", {})))
    if isinstance(spec["resolutions"], list):
        odd = [s for s in spec["resolutions"] if not TEXT_SYMBOL.match(s)]
        if odd:
            raise DataError(CONFIG_FILE, f"{key}.resolutions",
                            "General Assembly symbols such as 'A/RES/ES-11/1'", odd)


def check_entries(entries: dict, specs: dict[str, dict], tie: str) -> None:
    """Unknown models, terms or quantities stop before anything is fitted."""
    for key, entry in entries.items():
        where = f"config hypotheses.{key}"
        if entry["quantity"] not in QUANTITIES:
            raise DataError(where, "quantity", f"one of {QUANTITIES}", entry["quantity"])
        for field in ("model", "compare_to"):
            name = entry.get(field)
            if name is None:
                continue
            if name not in specs:
                raise DataError(where, field, "a model named in config models", name)
            spec = specs[name]
            if tie not in spec["covariates"]:
                raise DataError(where, field, f"a model with the tie term {tie!r}",
                                spec["covariates"])
            if spec["estimator"] not in BINARY_ESTIMATORS:
                raise DataError(where, field, f"a binary estimator {BINARY_ESTIMATORS}",
                                spec["estimator"])
        if entry["quantity"] == "relative_ame_difference" and "compare_to" not in entry:
            raise DataError(where, "compare_to", "the model to compare with", None)
        if entry["quantity"] == "ame_difference":
            pair = interaction_name([tie, entry.get("by", "")])
            if pair not in specs[entry["model"]]["covariates"]:
                raise DataError(where, "by", f"a model with the interaction {pair!r}",
                                specs[entry["model"]]["covariates"])


def chunk_range(chunk: int | str, replicates: int, chunks: int) -> list[int]:
    """Numbers [first, stop) of one chunk of replicates, permutations or specifications: equal
    shares, the last takes the rest."""
    size = -(-replicates // chunks)
    first = int(chunk) * size
    return [min(replicates, first), min(replicates, first + size)]


def check_multiverse(settings: dict, known: tuple[str, ...] | set[str] = PANEL_COLUMNS) -> None:
    """Variables that are not panel columns and unknown estimators stop the workflow at
    start-up; the chunk job checks the variables again against the panel it reads."""
    where = CONFIG_FILE
    for key in ("ties", "controls", "categorical"):
        unknown = sorted(set(settings[key]) - set(known))
        if unknown:
            raise DataError(where, f"multiverse.{key}", "columns of the analysis panel", unknown,
                            known=known)
    unknown = sorted(set(settings["alignments"]) - set(known) - {"none"})
    if unknown:
        raise DataError(where, "multiverse.alignments", "'none' or columns of the analysis panel",
                        unknown, known=[*known, "none"])
    unknown = sorted(set(settings["mediators"]) - set(settings["alignments"]))
    if unknown:
        raise DataError(where, "multiverse.mediators", "alignments of multiverse.alignments",
                        unknown, known=settings["alignments"])
    unknown = sorted(set(settings["estimators"]) - set(BINARY_ESTIMATORS))
    if unknown:
        raise DataError(where, "multiverse.estimators", f"binary estimators {BINARY_ESTIMATORS}",
                        unknown, known=BINARY_ESTIMATORS)

