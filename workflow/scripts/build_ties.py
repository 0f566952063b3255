import pandas as pd

from abstention.features.sources import TIE_SOURCE_TABLES
from abstention.features.ties import build_ties, check_settings, ties_codebook
from abstention.logs import step_log
from abstention.schemas import write_table

with step_log(snakemake.log[0], "ties") as log:
    given, settings = snakemake.input, snakemake.params.settings
    sources = {name: pd.read_parquet(given[name]) for name in ("countries", *TIE_SOURCE_TABLES)}
    check_settings(settings, sources["sipri"], set(sources["countries"]["iso3"]))
    ties = build_ties(sources, settings)
    write_table(ties, snakemake.output.ties)
    write_table(ties_codebook(ties, settings, sources), snakemake.output.codebook)
    log.info("%d state-year-patron rows, %d ties", len(ties), ties.shape[1] - 3)
