from pathlib import Path

from abstention.ingest.build import UNInputs, build_un_tables
from abstention.logs import step_log
from abstention.schemas import write_table

SCHEMA_TABLES = {"resolutions", "votes", "sponsorships", "countries"}

with step_log(snakemake.log[0], "un_tables") as log:
    given = snakemake.input
    inputs = UNInputs(
        ga_files=[Path(p) for p in given.ga],
        sc_files=[Path(p) for p in given.sc],
        **{name: Path(given[name]) for name in (
            "votes_2025", "un_dl", "un_dl_columns", "un_dl_row_fixes", "un_dl_overlap_review",
            "coverage_review", "article19", "voeten_published", "unvotes", "roll_calls", "codelist",
            "regional_groups", "known_tally_issues", "sponsor_nonstate_patterns",
            "sponsor_entry_fixes", "date_corrections")},
    )
    tables = build_un_tables(inputs, snakemake.params.settings)
    for name, frame in tables.items():
        write_table(frame, snakemake.output[name], name if name in SCHEMA_TABLES else None)
        log.info("%s: %d rows", name, len(frame))
