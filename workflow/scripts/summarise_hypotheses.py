import json

import pandas as pd

from abstention.logs import step_log
from abstention.models.hypotheses import point_estimates, summarise
from abstention.schemas import write_table

with step_log(snakemake.log[0], "hypotheses") as log:
    given, params = snakemake.input, snakemake.params
    panel, imputations = pd.read_parquet(given.panel), pd.read_parquet(given.imputations)
    draws = pd.concat([pd.read_parquet(path) for path in given.draws], ignore_index=True)
    fits = {name: json.loads(open(path).read()) for name, path in zip(params.models, given.fits,
                                                                       strict=True)}
    margins = {name: pd.read_csv(path) for name, path in zip(params.models, given.margins,
                                                             strict=True)}
    for entries, output in ((params.entries, snakemake.output.hypotheses),
                            (params.checks, snakemake.output.checks)):
        points = point_estimates(panel, imputations, params.specs, entries, params.tie)
        table = summarise(points, draws, entries, fits, margins, params.tie, params.titles)
        write_table(table, output)
        log.info("%s", table.to_string())
