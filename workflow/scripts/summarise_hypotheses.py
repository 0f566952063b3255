import json

import pandas as pd

from abstention.logs import step_log
from abstention.models.hypotheses import point_estimates, summarise, with_design_columns
from abstention.models.within import hypothesis_rows
from abstention.panel.within_settings import check_entries
from abstention.schemas import write_table

with step_log(snakemake.log[0], "hypotheses") as log:
    given, params = snakemake.input, snakemake.params
    check_entries(params.within_entries, params.within)
    panel, imputations = pd.read_parquet(given.panel), pd.read_parquet(given.imputations)
    draws = pd.concat([pd.read_parquet(path) for path in given.draws], ignore_index=True)
    fits = {name: json.loads(open(path).read()) for name, path in zip(params.models, given.fits,
                                                                       strict=True)}
    margins = {name: pd.read_csv(path) for name, path in zip(params.models, given.margins,
                                                             strict=True)}
    randomisation = pd.read_csv(given.randomisation)
    within = hypothesis_rows(pd.read_csv(given.within), params.within_entries, params.within)
    for entries, output, extra in ((params.entries, snakemake.output.hypotheses, within),
                                   (params.checks, snakemake.output.checks, None)):
        points = point_estimates(panel, imputations, params.specs, entries, params.tie)
        table = with_design_columns(
            summarise(points, draws, entries, fits, margins, params.tie, params.titles),
            randomisation)
        if extra is not None:
            table = pd.concat([table, extra.reindex(columns=table.columns)], ignore_index=True)
        write_table(table, output)
        log.info("%s", table.to_string())
