from pathlib import Path

from abstention.logs import step_log
from abstention.paper_check import build_pdf, check_sources

with step_log(snakemake.log[0], "paper") as log:  # noqa: F821
    given = snakemake.input  # noqa: F821
    root = Path.cwd()
    check_sources(Path(given.main), Path(given.numbers), Path(given.bib), root)
    build_pdf(Path(given.main), Path(given.bib), Path(snakemake.output[0]), root,  # noqa: F821
              snakemake.params.source_date_epoch)  # noqa: F821
    log.info("built %s", snakemake.output[0])  # noqa: F821
