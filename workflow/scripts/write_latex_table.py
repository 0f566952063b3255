from pathlib import Path

from abstention.logs import step_log
from abstention.outputs.paper_tables import build_table

with step_log(snakemake.log[0], snakemake.wildcards.table) as log:
    text = build_table(snakemake.wildcards.table, snakemake.params.entry, snakemake.input,
                       snakemake.params.model_titles)
    Path(snakemake.output[0]).write_text(text, encoding="utf-8")
    log.info("wrote %s", snakemake.output[0])
