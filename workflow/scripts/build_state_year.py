import pandas as pd

from abstention.logs import step_log
from abstention.panel.state_year import build_state_year
from abstention.schemas import write_table

with step_log(snakemake.log[0], "state_year_panel") as log:
    panel, events = build_state_year(pd.read_parquet(snakemake.input.state_text),
                                     pd.read_parquet(snakemake.input.ties),
                                     snakemake.params.settings, snakemake.params.patrons)
    write_table(panel, snakemake.output.panel)
    write_table(events, snakemake.output.events)
    for row in events.itertuples():
        log.info("%s: %d treated, %d controls, %d switched before their first year (dropped), "
                 "%d switched back", row.event, row.treated, row.controls,
                 row.dropped_switched_before_first_year, row.switched_back)
