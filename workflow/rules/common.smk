from pathlib import Path

from abstention.code_deps import import_closure
from abstention.ingest.checksums import read_sums
from abstention.features.sources import SOURCE_TABLES as FEATURE_SOURCE_TABLES
from abstention.features.sources import TIE_SOURCE_TABLES
from abstention.ingest.source_files import CODELIST, SOURCE_FILES
from abstention.models.specs import HashedParam


def script_code(script):
    """The package files a script imports, directly or not; as code inputs, editing one of
    them reruns exactly the jobs that run the script."""
    return import_closure(
        Path("workflow/scripts", f"{script}.py"), "src", cache=".snakemake/code_imports.json"
    )


def raw_sums_by_source(sums_file):
    """Each raw source folder's checksums, so a changed file reruns only its own folder's check."""
    by_source = {}
    for name, checksum in read_sums(sums_file).items():
        by_source.setdefault(name.split("/")[0], {})[name] = checksum
    return by_source


RAW_SUMS = raw_sums_by_source("data/raw/SHA256SUMS")


def raw_checks(*sources):
    """The checksum checks to wait for, one per raw source folder read."""
    return [f"results/checks/raw/{source}.txt" for source in sources]


def raw_checks_of(paths):
    """The checksum checks of the raw source folders among `paths`."""
    folders = {
        Path(p).relative_to("data/raw").parts[0]
        for p in paths
        if Path(p).is_relative_to("data/raw")
    }
    return raw_checks(*sorted(folders))


SOURCE_INPUT_FILES = sorted({path for paths in SOURCE_FILES.values() for path in paths})
SOURCE_RAW_FILES = [path for path in SOURCE_INPUT_FILES if path.startswith("data/raw/")]


def source_tables(*names):
    """The ingest stage's checked tables of the named sources."""
    return {name: f"results/data/sources/{name}.parquet" for name in names}


def model_spec(name, **overrides):
    """A model's full specification: its config entry over the defaults, named sets expanded."""
    from abstention.models.specs import resolve_spec

    spec = {**config["models"][name], **overrides}
    return resolve_spec(name, spec, config)


MODELS = sorted(config["models"])
# The panels a model may be fitted on (config models.<name>.panel).
PANELS = {
    "main": "results/analysis/panel.parquet",
    "placebo": "results/analysis/placebo_panel.parquet",
}

# The models whose stored fits the predictions rule reads.
PREDICTION_MODELS = sorted(
    {config["main_model"], config["cross_section_model"], config["cosponsor_model"], "h2_cosponsor"}
)
HYPOTHESIS_ENTRIES = {**config["hypotheses"]["entries"], **config["hypotheses"]["checks"]}
HYPOTHESIS_MODELS = sorted(
    {e[key] for e in HYPOTHESIS_ENTRIES.values() for key in ("model", "compare_to") if key in e}
)
BOOTSTRAP = config["hypotheses"]["bootstrap"]
MULTIVERSE = config["multiverse"]
RANDOMISATION = config["randomisation"]


def check_config():
    """Cross-references the schema cannot express, checked before any job runs."""
    from abstention.models.specs import (
        check_entries,
        check_multiverse,
        check_spec_names,
        resolve_spec,
    )

    specs = {name: model_spec(name) for name in MODELS}
    validated = config["models"].get(config["validation"]["model"], {})
    baselines = [
        resolve_spec(
            f"{config['validation']['model']} in validation.baselines.{name}",
            {**validated, **change},
            config,
        )
        for name, change in config["validation"]["baselines"].items()
    ]
    for spec in [*specs.values(), *baselines]:
        check_spec_names(spec)
    check_entries(HYPOTHESIS_ENTRIES, specs, config["hypotheses"]["tie"])
    check_multiverse(MULTIVERSE)
    named = [
        config["main_model"],
        config["cross_section_model"],
        config["lpm_model"],
        config["cosponsor_model"],
        config["validation"]["model"],
        config["heterogeneity"]["model"],
        RANDOMISATION["model"],
    ]
    named += [
        m
        for kind in ("figures", "tables")
        for entry in config[kind]["registry"].values()
        for m in entry["models"]
    ]
    unknown = sorted(set(named) - set(MODELS))
    if unknown:
        from abstention.errors import DataError

        raise DataError(
            "config/config.yaml", "models", "models named in config models", unknown, known=MODELS
        )


check_config()

EVENT_STUDY = config["event_study"]


def check_event_study():
    """The event definitions against ties.patrons and the measures and composites the ties
    table will have, before any job runs."""
    from abstention.panel.events import check_events, check_window
    from abstention.variables import TIES

    composites = {name for rules in config["ties"]["composites"].values() for name in rules}
    check_window(EVENT_STUDY)
    check_events(EVENT_STUDY, config["ties"]["patrons"], {*TIES, *composites})


check_event_study()


def check_within():
    """The design's patrons, tie measures, outcomes and designs, the hypotheses that read it,
    and the patron-opposed rule, against ties.patrons, the measures and composites the ties
    table will have and the fields a text has, before any job runs."""
    from abstention.features.rules import TEXT_RULE_FIELDS, check_rules
    from abstention.panel.within_settings import check_entries, check_settings
    from abstention.variables import TIES

    composites = {name for rules in config["ties"]["composites"].values() for name in rules}
    check_settings(config["within"], config["ties"]["patrons"], {*TIES, *composites})
    check_entries(config["hypotheses"]["within_entries"], config["within"])
    opposed = {"patron_opposed": config["text_patrons"]["patron_opposed"]}
    check_rules(opposed, list(TEXT_RULE_FIELDS), "text_patrons")
    for name, expression in config["within"]["multiverse"]["opposed_rules"].items():
        check_rules({name: expression}, list(TEXT_RULE_FIELDS), "within.multiverse.opposed_rules")


check_within()


def chunk_range(chunk, replicates, chunks):
    from abstention.models.specs import chunk_range as share

    return share(chunk, replicates, chunks)


# The result files figures and tables may name as inputs in their config entries.
NAMED_FILES = {
    "panel": "results/analysis/panel.parquet",
    "topojson": "data/raw/natural_earth/countries-50m.json",
    "codelist": "data/raw/countrycode/codelist.rda",
    "territories": "config/map_territories.csv",
    "capitals": "results/data/sources/capitals.parquet",
    "hypotheses": "results/models/hypotheses.csv",
    "period_check": "results/models/period_check.csv",
    "heterogeneity": "results/models/heterogeneity.csv",
    "sensitivity": "results/models/sensitivity.csv",
    "israel": "results/models/israel_cosponsorship.csv",
    "validation": "results/models/validation_differences.csv",
    "tally": "results/data/tally_report.csv",
    "codebook": "results/data/codebook.csv",
    "multiverse": "results/multiverse/specifications.parquet",
    "randomisation": "results/resampling/randomisation.csv",
    "within": "results/models/within.csv",
    "within_multiverse": "results/models/within_multiverse.csv",
    "event_study": "results/models/event_study.csv",
    "event_study_pretrends": "results/models/event_study_pretrends.csv",
    "israel_synthetic": "results/models/israel_synthetic.csv",
    "israel_synthetic_summary": "results/models/israel_synthetic_summary.csv",
    "israel_synthetic_placebos": "results/models/israel_synthetic_placebos.csv",
}


def exhibit_inputs(entry, code):
    """An exhibit's inputs: its named files, and the outputs of the models it shows."""
    files = {name: NAMED_FILES[name] for name in entry["inputs"]}
    models = entry["models"]
    if models:
        files["coefficients"] = [f"results/models/{m}/coefficients.csv" for m in models]
        files["margins"] = [f"results/models/{m}/margins.csv" for m in models]
        files["fits"] = [f"results/models/{m}/fit.json" for m in models]
    checked = raw_checks_of(p for p in files.values() if isinstance(p, str))
    return {**files, "checked": checked, "code": code}
