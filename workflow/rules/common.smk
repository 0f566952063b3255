from pathlib import Path


def package(*modules):
    """The package modules a rule's script relies on, so editing one reruns that rule."""
    return [f"src/abstention/{m}.py" for m in modules]


RAW_FILES = sorted(
    str(p)
    for p in Path("data/raw").rglob("*")
    if p.is_file() and p.name not in {"SHA256SUMS", "README.md"}
)


def glob_package(folder):
    return sorted(str(p) for p in Path("src/abstention", folder).glob("*.py"))


def model_spec(name, **overrides):
    """A model's full specification: its config entry over the defaults, named sets expanded."""
    from abstention.specs import resolve_spec

    spec = {**config["models"][name], **overrides}
    return resolve_spec(name, spec, config)


MODELS = sorted(config["models"])
HYPOTHESIS_ENTRIES = {**config["hypotheses"]["entries"], **config["hypotheses"]["checks"]}
HYPOTHESIS_MODELS = sorted(
    {e[key] for e in HYPOTHESIS_ENTRIES.values() for key in ("model", "compare_to") if key in e}
)
BOOTSTRAP = config["hypotheses"]["bootstrap"]


def check_config():
    """Cross-references the schema cannot express, checked before any job runs."""
    from abstention.specs import check_entries

    specs = {name: model_spec(name) for name in MODELS}
    check_entries(HYPOTHESIS_ENTRIES, specs, config["hypotheses"]["tie"])
    named = [config["main_model"], config["cross_section_model"], config["lpm_model"],
             config["cosponsor_model"], config["validation"]["model"],
             config["heterogeneity"]["model"]]
    named += [m for kind in ("figures", "tables") for entry in config[kind]["registry"].values()
              for m in entry.get("models", [])]
    unknown = sorted(set(named) - set(MODELS))
    if unknown:
        from abstention.errors import DataError

        raise DataError("config/config.yaml", "models", "models named in config models", unknown)


check_config()


def chunk_range(chunk, replicates, chunks):
    """Replicate numbers [first, stop) of one chunk: equal shares, the last takes the rest."""
    size = -(-replicates // chunks)
    first = int(chunk) * size
    return [first, min(replicates, first + size)]


def figure_rule_output(name):
    return multiext(f"results/figures/{name}", ".pdf", ".png")


def table_inputs(rule_name):
    from abstention.table_builders import TABLES

    names = TABLES[rule_name]["models"]
    return {
        "coefficients": [f"results/models/{n}/coefficients.csv" for n in names],
        "margins": [f"results/models/{n}/margins.csv" for n in names],
        "fits": [f"results/models/{n}/fit.json" for n in names],
    }


# The result files figures and tables may name as inputs in their config entries.
NAMED_FILES = {
    "panel": "results/analysis/panel.parquet",
    "topojson": "data/raw/natural_earth/countries-50m.json",
    "codelist": "data/raw/countrycode/codelist.rda",
    "territories": "config/map_territories.csv",
    "capitals": "data/raw/cow/cow_capitals.rda",
    "hypotheses": "results/models/hypotheses.csv",
    "period_check": "results/models/period_check.csv",
    "heterogeneity": "results/models/heterogeneity.csv",
    "sensitivity": "results/models/sensitivity.csv",
    "israel": "results/models/israel_cosponsorship.csv",
    "validation": "results/models/validation_differences.csv",
    "tally": "results/data/tally_report.csv",
}


def exhibit_inputs(entry, code):
    """An exhibit's inputs: its named files, and the outputs of the models it shows."""
    files = {name: NAMED_FILES[name] for name in entry.get("inputs", [])}
    models = entry.get("models", [])
    if models:
        files["coefficients"] = [f"results/models/{m}/coefficients.csv" for m in models]
        files["margins"] = [f"results/models/{m}/margins.csv" for m in models]
        files["fits"] = [f"results/models/{m}/fit.json" for m in models]
    return {**files, "code": code}
