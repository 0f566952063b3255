import pandas as pd

from abstention.features.imputed import impute_state_covariates
from abstention.logs import step_log
from abstention.schemas import write_table

with step_log(snakemake.log[0], "imputations") as log:
    params = snakemake.params
    imputed = impute_state_covariates(pd.read_parquet(snakemake.input.features),
                                      pd.read_parquet(snakemake.input.panel), params.settings,
                                      params.outcome_texts)
    write_table(imputed, snakemake.output[0])
    log.info("%d imputations of %d states", imputed["imputation"].nunique(),
             imputed["iso3"].nunique())
