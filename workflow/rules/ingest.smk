rule raw_checksums:
    input:
        sums="data/raw/SHA256SUMS",
        files=RAW_FILES,
        code=package("checksums", "errors"),
    output:
        "results/checks/raw_checksums.txt",
    benchmark:
        "results/benchmarks/rules/raw_checksums.tsv",
    log:
        "results/logs/raw_checksums.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/verify_checksums.py"


rule un_tables:
    input:
        checked=rules.raw_checksums.output,
        ga=sorted(Path("data/raw/un_ga_resolutions").glob("*.json")),
        sc=sorted(Path("data/raw/un_sc_resolutions").glob("*.json")),
        votes_2025="data/raw/unga_2025_extract/un_votes_2025_processed.csv",
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
        code=package(
            "un_tables", "votes", "sponsors", "countries", "tables_io", "errors", "article19",
            "readers/un_json", "readers/voeten", "readers/rdata", "readers/un2025",
            "readers/article19",
        ),
    output:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        sponsorships="results/data/sponsorships.parquet",
        countries="results/data/countries.parquet",
        tally_report="results/data/tally_report.csv",
        source_overlap="results/data/source_overlap.csv",
        listing_report="results/data/listing_report.csv",
        sponsor_entries_skipped="results/data/sponsor_entries_skipped.csv",
        article19_report="results/data/article19_report.csv",
    params:
        settings={k: config[k] for k in ("votes", "regional_groups", "ukraine_russia",
                                         "article19")},
    benchmark:
        "results/benchmarks/rules/un_tables.tsv",
    log:
        "results/logs/un_tables.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    script:
        "../scripts/build_un_tables.py"
