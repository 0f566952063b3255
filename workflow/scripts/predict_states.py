import pandas as pd

from abstention.logs import step_log
from abstention.models import curve, predictions
from abstention.tables_io import write_table

with step_log(snakemake.log[0], "predictions") as log:  # noqa: F821
    params = snakemake.params  # noqa: F821
    panel = pd.read_parquet(snakemake.input.panel)  # noqa: F821
    predicted = pd.concat([predictions(panel, spec, params.states) for spec in params.specs])
    write_table(predicted, snakemake.output.predictions)  # noqa: F821
    write_table(curve(panel, params.curve_spec, "arms_share_russia"),
                snakemake.output.curve)  # noqa: F821
    log.info("%d predictions", len(predicted))
