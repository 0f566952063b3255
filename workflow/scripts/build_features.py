import pandas as pd

from abstention.features.build import build_features
from abstention.features.sources import SOURCE_TABLES
from abstention.logs import step_log
from abstention.schemas import write_table

with step_log(snakemake.log[0], "features") as log:
    given, out = snakemake.input, snakemake.output
    tables = build_features(
        pd.read_parquet(given.countries), pd.read_parquet(given.votes),
        pd.read_parquet(given.resolutions),
        {name: pd.read_parquet(given[name]) for name in SOURCE_TABLES}, snakemake.params.settings,
    )
    write_table(tables.features, out.features)
    write_table(tables.features, out.features_csv)
    write_table(tables.codebook, out.codebook)
    write_table(tables.missing, out.missing)
    log.info("%d states, %d missing values", len(tables.features), len(tables.missing))
