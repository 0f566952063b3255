import pandas as pd

from abstention.logs import step_log
from abstention.models.within_multiverse import summarise_multiverse
from abstention.schemas import write_table

with step_log(snakemake.log[0], "within_multiverse") as log:
    table = pd.concat([pd.read_csv(path) for path in snakemake.input.fits], ignore_index=True)
    write_table(table, snakemake.output.specifications)
    summary = summarise_multiverse(table)
    write_table(summary, snakemake.output.summary)
    log.info("%d specifications\n%s", len(table), summary.to_string(index=False))
