"""Security ties to Russia and withheld support at the UN: raw data to paper."""

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.json")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/paper.smk"


rule all:
    default_target: True
    input:
        "results/paper/paper.pdf",
        rules.figures.input,
        expand("results/tables/{table}.tex", table=TABLES),
        "results/models/predictions.csv",
        raw_checks(*RAW_SUMS),
