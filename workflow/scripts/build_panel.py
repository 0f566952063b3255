import pandas as pd

from abstention.logs import step_log
from abstention.models.panel import build_panel, check_material_texts, placebo_votes
from abstention.schemas import write_table

with step_log(snakemake.log[0], "panel") as log:
    given, out, params = snakemake.input, snakemake.output, snakemake.params
    resolutions = pd.read_parquet(given.resolutions)
    votes = pd.read_parquet(given.votes)
    tables = (resolutions, votes, pd.read_parquet(given.sponsorships),
              pd.read_parquet(given.features))
    panel = build_panel(*tables, resolutions["ukraine_russia"], params.panel)
    check_material_texts(panel, params.panel["material_texts"])
    chosen = placebo_votes(resolutions, votes, pd.read_parquet(given.countries), params.placebo)
    placebo_panel = build_panel(*tables, chosen, params.panel)
    write_table(panel, out.panel)
    write_table(panel, out.panel_csv)
    write_table(placebo_panel, out.placebo)
    log.info("panel: %d rows over %d votes; placebo: %d votes (%s)", len(panel),
             panel["res_id"].nunique(), placebo_panel["res_id"].nunique(),
             ", ".join(sorted(placebo_panel["symbol"].unique())))
