import pandas as pd

from abstention.logs import step_log
from abstention.schemas import write_table

with step_log(snakemake.log[0], "within_effects"):
    write_table(pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True),
                snakemake.output[0])
