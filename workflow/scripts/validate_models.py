import pandas as pd

from abstention.logs import step_log
from abstention.models.panel import with_imputation
from abstention.models.validation import out_of_sample
from abstention.schemas import write_table

with step_log(snakemake.log[0], "validation") as log:
    params, settings = snakemake.params, snakemake.params.settings
    imputations = pd.read_parquet(snakemake.input.imputations)
    panel = with_imputation(pd.read_parquet(snakemake.input.panel), imputations,
                            int(imputations["imputation"].min()))
    scores, differences = out_of_sample(panel, params.spec, params.baselines, settings["folds"],
                                        settings["seed"], settings["replicates"])
    write_table(scores, snakemake.output.scores)
    write_table(differences, snakemake.output.differences)
    log.info("\n%s\n%s", scores.to_string(), differences.to_string())
