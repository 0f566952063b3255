from abstention.models.synthetic_settings import check_settings as check_israel_synthetic

# Windows out of order or a series starting after the first boundary stop the run here, before
# any job; the donor pool, which needs the panel, is checked when the job starts.
check_israel_synthetic(config["israel_synthetic"])


# Israel against a synthetic Israel on the texts Russia opposes, 2006-2026: one job fits Israel
# and each donor in turn as a placebo (one quadratic program per fit, some 20 s on one core).
rule israel_synthetic:
    input:
        panel="results/panel/state_text.parquet",
        code=script_code("fit_israel_synthetic"),
    output:
        paths="results/models/israel_synthetic.csv",
        summary="results/models/israel_synthetic_summary.csv",
        placebos="results/models/israel_synthetic_placebos.csv",
        weights="results/models/israel_synthetic_weights.csv",
    log:
        "results/logs/israel_synthetic.log",
    benchmark:
        "results/benchmarks/rules/israel_synthetic.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        settings=HashedParam(config["israel_synthetic"], "israel_synthetic"),
    script:
        "../scripts/fit_israel_synthetic.py"
