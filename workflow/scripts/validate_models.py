import pandas as pd

from abstention.logs import step_log
from abstention.tables_io import write_table
from abstention.validation import out_of_sample

with step_log(snakemake.log[0], "validation") as log:  # noqa: F821
    params = snakemake.params  # noqa: F821
    scores = out_of_sample(pd.read_parquet(snakemake.input.panel), params.spec,  # noqa: F821
                           params.baselines, params.settings["folds"], params.settings["seed"])
    write_table(scores, snakemake.output[0])  # noqa: F821
    log.info("\n%s", scores.to_string())
