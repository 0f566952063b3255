import pandas as pd

from abstention.logs import step_log
from abstention.models.heterogeneity import per_text_effects
from abstention.schemas import write_table

with step_log(snakemake.log[0], "heterogeneity") as log:
    table = per_text_effects(pd.read_parquet(snakemake.input.panel),
                             pd.read_parquet(snakemake.input.imputations),
                             snakemake.params.spec, snakemake.params.terms)
    write_table(table, snakemake.output[0])
    log.info("%d texts, %d failed", table["symbol"].nunique(),
             table.loc[table["status"] == "failed", "symbol"].nunique())
