# The raw sources the UN tables read: their checks, then the UN tables, go first, since every
# later job waits for them; the other checks run beside the UN tables.
UN_SOURCES = (
    "un_ga_resolutions",
    "un_sc_resolutions",
    "unga_2025_extract",
    "un_dl_votes_2022",
    "voeten_unvotes",
    "countrycode",
)


rule raw_checksums:
    input:
        files=lambda w: [f"data/raw/{name}" for name in RAW_SUMS[w.source]],
        code=script_code("verify_checksums"),
    output:
        "results/checks/raw/{source}.txt",
    log:
        "results/logs/raw_checksums/{source}.log",
    benchmark:
        "results/benchmarks/rules/raw_checksums_{source}.tsv"
    wildcard_constraints:
        source="|".join(RAW_SUMS),
    priority: lambda w: 2 if w.source in UN_SOURCES else 0
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    params:
        expected=lambda w: RAW_SUMS[w.source],
    script:
        "../scripts/verify_checksums.py"


rule un_tables:
    input:
        checked=raw_checks(*UN_SOURCES),
        ga=sorted(Path("data/raw/un_ga_resolutions").glob("*.json")),
        sc=sorted(Path("data/raw/un_sc_resolutions").glob("*.json")),
        votes_2025="data/raw/unga_2025_extract/un_votes_2025_processed.csv",
        un_dl="data/raw/un_dl_votes_2022/UN_DATA_2022-01-29.csv.zip",
        un_dl_columns="config/un_dl_columns.csv",
        un_dl_row_fixes="config/un_dl_row_fixes.csv",
        un_dl_overlap_review="config/un_dl_overlap_review.csv",
        coverage_review="config/coverage_review.csv",
        article19="data/hand/article19_lost_vote.csv",
        voeten_published="data/raw/voeten_unvotes/UNVotesPublished.RData",
        unvotes="data/raw/voeten_unvotes/un_votes.rda",
        roll_calls="data/raw/voeten_unvotes/un_roll_calls.rda",
        codelist="data/raw/countrycode/codelist.rda",
        regional_groups="data/hand/un_regional_groups.csv",
        known_tally_issues="config/known_tally_issues.csv",
        sponsor_nonstate_patterns="config/sponsor_nonstate_patterns.csv",
        sponsor_entry_fixes="config/sponsor_entry_fixes.csv",
        date_corrections="config/date_corrections.csv",
        aliases="src/abstention/resources/country_aliases.csv",
        cow_historic="src/abstention/resources/cow_historic.csv",
        code=script_code("build_un_tables"),
    output:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        sponsorships="results/data/sponsorships.parquet",
        sponsorship_by_session="results/data/sponsorship_by_session.csv",
        countries="results/data/countries.parquet",
        tally_report="results/data/tally_report.csv",
        source_overlap="results/data/source_overlap.csv",
        un_dl_disagreements="results/data/un_dl_disagreements.csv",
        coverage_by_year="results/data/coverage_by_year.csv",
        listing_report="results/data/listing_report.csv",
        sponsor_entries_skipped="results/data/sponsor_entries_skipped.csv",
        article19_report="results/data/article19_report.csv",
    log:
        "results/logs/un_tables.log",
    benchmark:
        "results/benchmarks/rules/un_tables.tsv"
    priority: 2
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    params:
        settings={k: config[k] for k in ("votes", "regional_groups", "ukraine_russia", "article19")},
    script:
        "../scripts/build_un_tables.py"


rule source_tables:
    input:
        checked=raw_checks_of(SOURCE_RAW_FILES),
        files=SOURCE_INPUT_FILES,
        codelist=CODELIST,
        code=script_code("build_source_tables"),
    output:
        **{name: f"results/data/sources/{name}.parquet" for name in SOURCE_FILES},
    log:
        "results/logs/source_tables.log",
    benchmark:
        "results/benchmarks/rules/source_tables.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        first_year=config["record"]["first_year"],
    script:
        "../scripts/build_source_tables.py"
