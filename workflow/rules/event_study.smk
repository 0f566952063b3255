# Event studies of ties that switch on or off: a state-year panel of reticence gaps and event
# years, then every configured event fitted in one job.
rule state_year_panel:
    input:
        state_text="results/panel/state_text.parquet",
        ties="results/data/ties_state_year.parquet",
        code=script_code("build_state_year"),
    output:
        panel="results/panel/state_year.parquet",
        events="results/panel/state_year_events.csv",
    log:
        "results/logs/state_year_panel.log",
    benchmark:
        "results/benchmarks/rules/state_year_panel.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings={key: EVENT_STUDY[key] for key in ("events", "exclude_states")},
        patrons=config["ties"]["patrons"],
    script:
        "../scripts/build_state_year.py"


# One job for every event: pyfixest's import and first compilation are paid once.
rule event_study:
    input:
        panel="results/panel/state_year.parquet",
        code=script_code("estimate_event_study"),
    output:
        coefficients="results/models/event_study.csv",
        pretrends="results/models/event_study_pretrends.csv",
    log:
        "results/logs/event_study.log",
    benchmark:
        "results/benchmarks/rules/event_study.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=EVENT_STUDY,
    script:
        "../scripts/estimate_event_study.py"
