from pathlib import Path

from abstention.logs import step_log
from abstention.table_builders import build_tally_table

with step_log(snakemake.log[0], "table_tally") as log:  # noqa: F821
    text = build_tally_table(snakemake.input.tally)  # noqa: F821
    Path(snakemake.output[0]).write_text(text, encoding="utf-8")  # noqa: F821
    log.info("wrote %s", snakemake.output[0])  # noqa: F821
