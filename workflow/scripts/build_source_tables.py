from abstention.ingest.countries import country_mapper
from abstention.ingest.source_tables import build_source_table
from abstention.logs import step_log
from abstention.schemas import write_table

with step_log(snakemake.log[0], "source_tables") as log:
    mapper = country_mapper(snakemake.input.codelist)
    for name, path in snakemake.output.items():
        table = build_source_table(name, mapper, snakemake.params.first_year)
        write_table(table, path)
        log.info("%s: %d rows", name, len(table))
