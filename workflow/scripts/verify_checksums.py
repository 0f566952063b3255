from abstention.ingest.checksums import verify_sums
from abstention.logs import step_log

with step_log(snakemake.log[0], f"raw_checksums {snakemake.wildcards.source}") as log:
    checked = verify_sums(snakemake.params.expected, "data/raw")
    log.info("%d files match data/raw/SHA256SUMS", len(checked))
    with open(snakemake.output[0], "w", encoding="utf-8") as out:
        out.write("".join(f"{name}\n" for name in checked))
