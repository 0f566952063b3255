"""Security ties to Russia and withheld support at the UN: raw data to paper."""

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"


rule all:
    default_target: True
    input:
        rules.un_tables.output,
