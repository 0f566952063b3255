from pathlib import Path

from abstention.logs import step_log
from abstention.outputs.paper_check import build_pdf, check_sources

with step_log(snakemake.log[0], "paper") as log:
    given = snakemake.input
    root = Path.cwd()
    check_sources(Path(given.main), Path("results/paper/numbers.tex"), Path(given.bib), root)
    build_pdf(Path(given.main), Path(given.bib), Path(snakemake.output[0]), root,
              snakemake.params.source_date_epoch)
    log.info("built %s", snakemake.output[0])
