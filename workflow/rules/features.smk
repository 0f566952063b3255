# State-year features from the ingest stage's tables: the 2022 cross-section towards Russia,
# security ties by state, year and patron, and recorded texts classified for each patron.
rule features:
    input:
        **source_tables(*FEATURE_SOURCE_TABLES),
        countries="results/data/countries.parquet",
        votes="results/data/votes.parquet",
        resolutions="results/data/resolutions.parquet",
        code=script_code("build_features"),
    output:
        features="results/data/features.parquet",
        features_csv="results/data/features.csv",
        codebook="results/data/codebook.csv",
        missing="results/data/features_missing.csv",
    log:
        "results/logs/features.log",
    benchmark:
        "results/benchmarks/rules/features.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    params:
        settings=config["features"],
    script:
        "../scripts/build_features.py"


rule ties:
    input:
        **source_tables(*TIE_SOURCE_TABLES),
        countries="results/data/countries.parquet",
        code=script_code("build_ties"),
    output:
        ties="results/data/ties_state_year.parquet",
        codebook="results/data/ties_codebook.csv",
    log:
        "results/logs/ties.log",
    benchmark:
        "results/benchmarks/rules/ties.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=config["ties"],
    script:
        "../scripts/build_ties.py"


rule text_patrons:
    input:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        countries="results/data/countries.parquet",
        code=script_code("classify_texts"),
    output:
        texts="results/data/text_patrons.parquet",
        summary="results/data/text_patrons_by_decade.csv",
    log:
        "results/logs/text_patrons.log",
    benchmark:
        "results/benchmarks/rules/text_patrons.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=3000,
    params:
        settings=config["text_patrons"],
        patrons=config["ties"]["patrons"],
    script:
        "../scripts/classify_texts.py"
