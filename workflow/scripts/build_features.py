from pathlib import Path

import pandas as pd

from abstention.features import build_features, codebook_latex
from abstention.logs import step_log
from abstention.tables_io import write_table

with step_log(snakemake.log[0], "features") as log:
    given, out = snakemake.input, snakemake.output
    tables = build_features(
        pd.read_parquet(given.countries), pd.read_parquet(given.votes),
        pd.read_parquet(given.resolutions), Path("data/raw"), snakemake.params.settings,
        hand_dir=Path(given.hand).parent,
    )
    write_table(tables.features, out.features)
    write_table(tables.features, out.features_csv)
    write_table(tables.codebook, out.codebook)
    write_table(tables.missing, out.missing)
    Path(out.codebook_tex).parent.mkdir(parents=True, exist_ok=True)
    Path(out.codebook_tex).write_text(codebook_latex(tables.codebook), encoding="utf-8")
    log.info("%d states, %d missing values", len(tables.features), len(tables.missing))
