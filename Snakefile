"""Security ties to Russia and withheld support at the UN: raw data to paper."""

from snakemake.utils import min_version

from abstention.config_check import validate_config
from abstention.workflow_environment import fix_job_environment

min_version("9.0")

fix_job_environment()


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


validate_config(config, "workflow/schemas/config.schema.json")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/within.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/event_study.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/paper.smk"


rule all:
    default_target: True
    input:
        "results/paper/paper.pdf",
        rules.figures.input,
        rules.tables.input,
        "results/models/predictions.csv",
        rules.ties.output,
        rules.text_patrons.output,
        "results/models/within.csv",
        raw_checks(*RAW_SUMS),
