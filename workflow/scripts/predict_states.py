import pandas as pd

from abstention.logs import step_log
from abstention.models.configured import israel_cosponsorship, predictions, read_predictors
from abstention.schemas import write_table

with step_log(snakemake.log[0], "predictions") as log:
    params, given, out = snakemake.params, snakemake.input, snakemake.output
    panel, imputations = pd.read_parquet(given.panel), pd.read_parquet(given.imputations)
    predictors = {name: read_predictors(fit, parameters)
                  for name, fit, parameters in zip(params.models, given.fits, given.parameters,
                                                   strict=True)}
    predicted = pd.concat([predictions(panel, imputations, spec, params.states,
                                       predictors[spec["name"]])
                           for spec in params.specs])
    write_table(predicted, out.predictions)
    israel = israel_cosponsorship(panel, imputations, params.cosponsor_spec,
                                  params.yes_voter_spec, predictors)
    write_table(israel, out.israel)
    log.info("%d predictions; Israel on %d texts with sponsor lists", len(predicted), len(israel))
