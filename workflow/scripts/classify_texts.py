import pandas as pd

from abstention.features.texts import check_settings, classify_texts, patron_summary
from abstention.logs import step_log
from abstention.schemas import write_table
from abstention.vote_codes import UN_GROUP_NAMES

with step_log(snakemake.log[0], "text_patrons") as log:
    given, settings, patrons = snakemake.input, snakemake.params.settings, snakemake.params.patrons
    check_settings(settings, patrons, UN_GROUP_NAMES)
    classified = classify_texts(
        pd.read_parquet(given.resolutions), pd.read_parquet(given.votes),
        pd.read_parquet(given.countries), settings, patrons,
    )
    write_table(classified, snakemake.output.texts)
    write_table(patron_summary(classified), snakemake.output.summary)
    log.info("%d text-patron rows", len(classified))
