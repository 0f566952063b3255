import pandas as pd

from abstention.logs import step_log
from abstention.panel.record import build_record_panel, record_summary
from abstention.panel.within_settings import check_settings
from abstention.schemas import write_table

with step_log(snakemake.log[0], "state_text_panel") as log:
    given, settings = snakemake.input, snakemake.params.settings
    ties = pd.read_parquet(given.ties)
    check_settings(settings, snakemake.params.patrons, list(ties.columns))
    panel, left_out = build_record_panel(
        pd.read_parquet(given.resolutions), pd.read_parquet(given.votes),
        pd.read_parquet(given.sponsorships), pd.read_parquet(given.text_patrons), ties,
        pd.read_parquet(given.countries), settings,
    )
    write_table(panel, snakemake.output.panel)
    write_table(record_summary(panel, settings), snakemake.output.summary)
    write_table(left_out, snakemake.output.left_out)
    log.info("%d state-texts; left out: %s", len(panel), left_out.to_dict("records"))
