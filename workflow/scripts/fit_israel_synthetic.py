import pandas as pd

from abstention.logs import step_log
from abstention.models.synthetic import israel_synthetic, panel_columns
from abstention.schemas import write_table

with step_log(snakemake.log[0], "israel_synthetic") as log:
    panel = pd.read_parquet(snakemake.input.panel, columns=panel_columns())
    tables = israel_synthetic(panel, dict(snakemake.params.settings))
    for name in ("paths", "summary", "placebos", "weights"):
        write_table(tables[name], snakemake.output[name])
    summary = tables["summary"].set_index("window")
    log.info("%d donors; pre-intervention RMSPE %.3f", summary["donors"].iloc[0],
             summary["pre_rmspe"].iloc[0])
    for window, row in summary.iterrows():
        log.info("%s: Israel %.3f, synthetic %.3f, gap %.3f (%.3f vs pre); %s rank %s of %s, "
                 "p %.3f", window, row["israel"], row["synthetic"], row["gap"], row["gap_vs_pre"],
                 row["statistic"] or "-", row["rank"], row["units"], row["p"])
