# The within-state design: the state-text panel of the full record (panel stage), one job of
# fits per patron (models stage; pyfixest's import is paid once per job), and their table.
WITHIN_PATRONS = sorted(config["within"]["ties"])


rule state_text_panel:
    input:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        sponsorships="results/data/sponsorships.parquet",
        text_patrons="results/data/text_patrons.parquet",
        ties="results/data/ties_state_year.parquet",
        countries="results/data/countries.parquet",
        code=script_code("build_state_text_panel"),
    output:
        panel="results/panel/state_text.parquet",
        summary="results/panel/state_text_summary.csv",
        left_out="results/panel/state_text_left_out.csv",
    log:
        "results/logs/state_text_panel.log",
    benchmark:
        "results/benchmarks/rules/state_text_panel.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=3000,
    params:
        settings=HashedParam(config["within"], "within"),
        patrons=config["ties"]["patrons"],
    script:
        "../scripts/build_state_text_panel.py"


rule within_fits:
    input:
        panel="results/panel/state_text.parquet",
        code=script_code("fit_within"),
    output:
        "results/models/within/{patron}.csv",
    log:
        "results/logs/within/{patron}.log",
    benchmark:
        "results/benchmarks/rules/within_{patron}.tsv"
    wildcard_constraints:
        patron="|".join(WITHIN_PATRONS),
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=HashedParam(config["within"], "within"),
    script:
        "../scripts/fit_within.py"


rule within_effects:
    input:
        expand("results/models/within/{patron}.csv", patron=WITHIN_PATRONS),
    output:
        "results/models/within.csv",
    log:
        "results/logs/within_effects.log",
    benchmark:
        "results/benchmarks/rules/within_effects.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/gather_within.py"


rule within_multiverse_fits:
    input:
        panel="results/panel/state_text.parquet",
        code=script_code("fit_within_multiverse"),
    output:
        "results/models/within_multiverse/{patron}.csv",
    log:
        "results/logs/within_multiverse/{patron}.log",
    benchmark:
        "results/benchmarks/rules/within_multiverse_{patron}.tsv"
    wildcard_constraints:
        patron="|".join(WITHIN_PATRONS),
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=HashedParam(config["within"], "within"),
    script:
        "../scripts/fit_within_multiverse.py"


rule within_multiverse:
    input:
        fits=expand("results/models/within_multiverse/{patron}.csv", patron=WITHIN_PATRONS),
        code=script_code("gather_within_multiverse"),
    output:
        specifications="results/models/within_multiverse.csv",
        summary="results/models/within_multiverse_summary.csv",
    log:
        "results/logs/within_multiverse.log",
    benchmark:
        "results/benchmarks/rules/within_multiverse.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/gather_within_multiverse.py"
