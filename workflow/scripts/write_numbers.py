from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.numbers import collect, design_numbers, macro_file

with step_log(snakemake.log[0], "numbers") as log:  # noqa: F821
    given, params = snakemake.input, snakemake.params  # noqa: F821
    models = {name: {"fit": fit, "margins": margins}
              for name, fit, margins in zip(params.models, given.fits, given.margins, strict=True)}
    values = collect(
        pd.read_parquet(given.panel), models, pd.read_csv(given.validation),
        pd.read_csv(given.predictions), pd.read_csv(given.tally), pd.read_csv(given.overlap),
        pd.read_parquet(given.placebo), params.reported,
    )
    values.update(design_numbers(pd.read_parquet(given.resolutions), params.settings,
                                 pd.read_csv(given.partial_sponsors)))
    Path(snakemake.output[0]).write_text(macro_file(values), encoding="utf-8")  # noqa: F821
    log.info("%d macros", len(values))
