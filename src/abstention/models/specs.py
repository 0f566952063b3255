"""Model specifications resolved from config: light enough for the workflow to import while it
parses (no numerical libraries), so the DAG is built without loading the estimators."""

from __future__ import annotations

from abstention.errors import DataError
from abstention.models.common import BINARY_ESTIMATORS

WITH_SPONSOR_LIST = "with_sponsor_list"
QUANTITIES = ("ame", "relative_ame_difference", "ame_difference")


def interaction_name(pair: list[str]) -> str:
    return f"{pair[0]}_x_{pair[1]}"


def resolve_spec(name: str, spec: dict, settings: dict) -> dict:
    """Fill defaults, expand named covariate and text sets, name interaction columns."""
    full = {**settings["model_defaults"], **spec, "name": name}
    covariates = full["covariates"]
    if isinstance(covariates, str):
        sets = settings["covariate_sets"]
        if covariates not in sets:
            raise DataError(f"config models.{name}", "covariates", f"one of {sorted(sets)}",
                            covariates)
        full["covariates"] = list(sets[covariates])
    full["covariates"] = [c for c in full["covariates"] if c not in full.get("drop_covariates", [])]
    full["covariates"] = full["covariates"] + list(full.get("add_covariates", []))
    full["covariates"] += [interaction_name(pair) for pair in full.get("interactions", [])]
    texts = full["resolutions"]
    if isinstance(texts, str) and texts not in ("all", WITH_SPONSOR_LIST):
        text_sets = settings["text_sets"]
        if texts not in text_sets:
            raise DataError(f"config models.{name}", "resolutions",
                            f"a list, 'all', '{WITH_SPONSOR_LIST}' or one of {sorted(text_sets)}",
                            texts)
        full["resolutions"] = list(text_sets[texts])
    return full


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


def model_chunks(specs: dict[str, dict], count: int) -> list[list[str]]:
    """The models of each fitting job: those fitted on every imputed data set (many times the
    cost of a complete-case fit) dealt out first, then the rest, round robin; no empty job."""
    imputed = [name for name, spec in specs.items() if spec["missing"] == "imputed"]
    order = imputed + [name for name in specs if name not in imputed]
    return [order[k::count] for k in range(count) if order[k::count]]


def check_multiverse(settings: dict, known: set[str]) -> None:
    """Variables the config names nowhere else and unknown estimators stop the workflow at
    start-up; the chunk job checks the variables again against the panel's columns."""
    where = "config multiverse"
    for key in ("ties", "controls", "categorical"):
        unknown = sorted(set(settings[key]) - known)
        if unknown:
            raise DataError(where, key, "variables of config covariate_sets or models", unknown)
    unknown = sorted(set(settings["alignments"]) - known - {"none"})
    if unknown:
        raise DataError(where, "alignments", "'none' or variables of config covariate_sets",
                        unknown)
    unknown = sorted(set(settings["estimators"]) - set(BINARY_ESTIMATORS))
    if unknown:
        raise DataError(where, "estimators", f"binary estimators {BINARY_ESTIMATORS}", unknown)


def config_variables(config: dict) -> set[str]:
    """Every variable config names in a covariate set or a model."""
    names = {v for values in config["covariate_sets"].values() for v in values}
    for spec in [config["model_defaults"], *config["models"].values()]:
        for key in ("covariates", "add_covariates", "categorical"):
            if isinstance(spec.get(key), list):
                names.update(spec[key])
    return names
