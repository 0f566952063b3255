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
    from abstention.models import resolve_spec

    spec = {**config["models"][name], **overrides}
    return resolve_spec(name, spec, config)


def model_panel(name):
    panel = config["models"][name].get("panel", "main")
    return {"main": "results/analysis/panel.parquet",
            "placebo": "results/analysis/placebo_panel.parquet"}[panel]


MODELS = sorted(config["models"])


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
