from pathlib import Path

import pandas as pd

from abstention.logs import step_log
from abstention.outputs.numbers import (
    caption_macros,
    collect,
    design_numbers,
    event_numbers,
    macro_file,
    multiverse_numbers,
    record_numbers,
    synthetic_numbers,
    within_multiverse_numbers,
    within_numbers,
)

with step_log(snakemake.log[0], "numbers") as log:
    given, params = snakemake.input, snakemake.params
    # Each model's files sit in results/models/<name>/.
    models = {Path(fit).parent.name: {"fit": fit, "margins": margins}
              for fit, margins in zip(given.fits, given.margins, strict=True)}
    results = {
        "hypotheses": pd.read_csv(given.hypotheses),
        "checks": pd.read_csv(given.period_check),
        "heterogeneity": pd.read_csv(given.heterogeneity),
        "sensitivity": pd.read_csv(given.sensitivity),
        "validation": pd.read_csv(given.validation),
        "differences": pd.read_csv(given.validation_differences),
        "israel": pd.read_csv(given.israel),
        "tally": pd.read_csv(given.tally),
        "overlap": pd.read_csv(given.overlap),
        "placebo": pd.read_parquet(given.placebo),
    }
    values = collect(pd.read_parquet(given.panel), models, results, params.reported)
    values.update(design_numbers(pd.read_parquet(given.resolutions), params.settings,
                                 pd.read_csv(given.partial_sponsors)))
    values.update(multiverse_numbers(pd.read_csv(given.multiverse),
                                     pd.read_csv(given.randomisation)))
    values.update(record_numbers(
        pd.read_csv(given.sponsorship_by_session), pd.read_parquet(given.ties),
        pd.read_csv(given.ties_codebook), pd.read_parquet(given.text_patrons),
        params.arms_window, pd.read_csv(given.un_dl_disagreements),
        pd.read_parquet(given.resolutions)))
    values.update(within_numbers(pd.read_csv(given.within), pd.read_csv(given.within_summary),
                                 pd.read_csv(given.within_left_out)))
    values.update(within_multiverse_numbers(pd.read_csv(given.within_multiverse),
                                            params.within_choices))
    values.update(event_numbers(pd.read_csv(given.event_pretrends)))
    values.update(caption_macros(params.captions))
    values.update(synthetic_numbers(pd.read_csv(given.israel_synthetic_summary)))
    Path(snakemake.output[0]).write_text(macro_file(values), encoding="utf-8")
    log.info("%d macros", len(values))
