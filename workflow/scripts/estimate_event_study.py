import pandas as pd

from abstention.logs import step_log
from abstention.models.event_study import event_studies
from abstention.schemas import write_table

with step_log(snakemake.log[0], "event_study") as log:
    coefficients, pretrends = event_studies(pd.read_parquet(snakemake.input.panel),
                                            snakemake.params.settings)
    write_table(coefficients, snakemake.output.coefficients)
    write_table(pretrends, snakemake.output.pretrends)
    for row in pretrends.itertuples():
        log.info("%s, %s: %d treated states, pre-trend p %.3f, average post effect %.3f "
                 "[%.3f, %.3f]", row.event, row.estimator, row.treated_states, row.pretrend_p,
                 row.post_estimate, row.post_ci_low, row.post_ci_high)
