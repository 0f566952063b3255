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
MULTIVERSE = config["multiverse"]
RANDOMISATION = config["randomisation"]


def check_config():
    """Cross-references the schema cannot express, checked before any job runs."""
    from abstention.specs import check_entries, check_multiverse, config_variables

    specs = {name: model_spec(name) for name in MODELS}
    check_entries(HYPOTHESIS_ENTRIES, specs, config["hypotheses"]["tie"])
    check_multiverse(MULTIVERSE, config_variables(config))
    named = [config["main_model"], config["cross_section_model"], config["lpm_model"],
             config["cosponsor_model"], config["validation"]["model"],
             config["heterogeneity"]["model"], RANDOMISATION["model"]]
    named += [m for kind in ("figures", "tables") for entry in config[kind]["registry"].values()
              for m in entry.get("models", [])]
    unknown = sorted(set(named) - set(MODELS))
    if unknown:
        from abstention.errors import DataError

        raise DataError("config/config.yaml", "models", "models named in config models", unknown)


check_config()


def chunk_range(chunk, replicates, chunks):
    from abstention.specs import chunk_range as share

    return share(chunk, replicates, chunks)


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
