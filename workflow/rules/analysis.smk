rule features:
    input:
        countries="results/data/countries.parquet",
        votes="results/data/votes.parquet",
        resolutions="results/data/resolutions.parquet",
        raw=RAW_FILES,
        hand="data/hand/security_ties_2022.csv",
        code=package("features", "votes", "tables_io", "countries", "errors")
        + glob_package("readers"),
    output:
        features="results/data/features.parquet",
        features_csv="results/data/features.csv",
        codebook="results/data/codebook.csv",
        codebook_tex="results/tables/codebook.tex",
        missing="results/data/features_missing.csv",
    params:
        settings=config["features"],
    benchmark:
        "results/benchmarks/rules/features.tsv",
    log:
        "results/logs/features.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    script:
        "../scripts/build_features.py"


rule panel:
    input:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        sponsorships="results/data/sponsorships.parquet",
        countries="results/data/countries.parquet",
        features="results/data/features.parquet",
        code=package("panel", "tables_io"),
    output:
        panel="results/analysis/panel.parquet",
        panel_csv="results/analysis/panel.csv",
        placebo="results/analysis/placebo_panel.parquet",
    params:
        panel=config["panel"],
        placebo=config["placebo"],
    benchmark:
        "results/benchmarks/rules/panel.tsv",
    log:
        "results/logs/panel.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/build_panel.py"


rule imputations:
    input:
        features="results/data/features.parquet",
        panel="results/analysis/panel.parquet",
        code=package("imputed_covariates", "imputation", "tables_io"),
    output:
        "results/analysis/imputations.parquet",
    params:
        settings=config["imputation"],
        outcome_texts=config["text_sets"][config["imputation"]["outcome_texts"]],
    benchmark:
        "results/benchmarks/rules/imputations.tsv",
    log:
        "results/logs/imputations.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/impute_covariates.py"


rule models:
    input:
        panel="results/analysis/panel.parquet",
        placebo="results/analysis/placebo_panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("models", "specs", "estimators", "imputation", "panel", "tables_io",
                     "errors"),
    output:
        fits=expand("results/models/{name}/fit.json", name=MODELS),
        coefficients=expand("results/models/{name}/coefficients.csv", name=MODELS),
        margins=expand("results/models/{name}/margins.csv", name=MODELS),
        designs=expand("results/models/{name}/design.parquet", name=MODELS),
    params:
        specs=[model_spec(name) for name in MODELS],
    benchmark:
        "results/benchmarks/rules/models.tsv",
    log:
        "results/logs/models.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/fit_models.py"


rule bootstrap:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("hypotheses", "resampling", "models", "specs", "estimators", "panel"),
    output:
        "results/resampling/bootstrap_{chunk}.parquet",
    params:
        specs={name: model_spec(name) for name in HYPOTHESIS_MODELS},
        entries=HYPOTHESIS_ENTRIES,
        tie=config["hypotheses"]["tie"],
        seed=BOOTSTRAP["seed"],
        replicates=lambda w: chunk_range(w.chunk, BOOTSTRAP["replicates"], BOOTSTRAP["chunks"]),
    benchmark:
        "results/benchmarks/rules/bootstrap_{chunk}.tsv",
    log:
        "results/logs/bootstrap/{chunk}.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/bootstrap_hypotheses.py"


rule hypotheses:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        draws=expand("results/resampling/bootstrap_{chunk}.parquet",
                     chunk=range(BOOTSTRAP["chunks"])),
        fits=expand("results/models/{name}/fit.json", name=HYPOTHESIS_MODELS),
        margins=expand("results/models/{name}/margins.csv", name=HYPOTHESIS_MODELS),
        code=package("hypotheses", "resampling", "models", "specs", "estimators", "panel"),
    output:
        hypotheses="results/models/hypotheses.csv",
        checks="results/models/period_check.csv",
    params:
        models=HYPOTHESIS_MODELS,
        specs={name: model_spec(name) for name in HYPOTHESIS_MODELS},
        entries=config["hypotheses"]["entries"],
        checks=config["hypotheses"]["checks"],
        tie=config["hypotheses"]["tie"],
    benchmark:
        "results/benchmarks/rules/hypotheses.tsv",
    log:
        "results/logs/hypotheses.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/summarise_hypotheses.py"


rule heterogeneity:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("heterogeneity", "models", "specs", "estimators", "imputation", "panel"),
    output:
        "results/models/heterogeneity.csv",
    params:
        spec=model_spec(config["heterogeneity"]["model"]),
        terms=config["heterogeneity"]["terms"],
    benchmark:
        "results/benchmarks/rules/heterogeneity.tsv",
    log:
        "results/logs/heterogeneity.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/estimate_heterogeneity.py"


rule sensitivity:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("confounding", "sensitivity", "estimators", "panel"),
    output:
        "results/models/sensitivity.csv",
    params:
        settings=config["sensitivity"],
        texts=config["text_sets"][config["sensitivity"]["texts"]],
        spec=model_spec(config["main_model"]),
    benchmark:
        "results/benchmarks/rules/sensitivity.tsv",
    log:
        "results/logs/sensitivity.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/analyse_sensitivity.py"


rule validation:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("validation", "models", "specs", "estimators", "resampling"),
    output:
        scores="results/models/validation.csv",
        differences="results/models/validation_differences.csv",
    params:
        spec=model_spec(config["validation"]["model"]),
        baselines={
            name: model_spec(config["validation"]["model"], **change)
            for name, change in config["validation"]["baselines"].items()
        },
        settings=config["validation"],
    benchmark:
        "results/benchmarks/rules/validation.tsv",
    log:
        "results/logs/validation.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/validate_models.py"


rule predictions:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=package("models", "specs", "estimators", "panel"),
    output:
        predictions="results/models/predictions.csv",
        israel="results/models/israel_cosponsorship.csv",
    params:
        specs=[model_spec(config["main_model"]), model_spec(config["cross_section_model"])],
        cosponsor_spec=model_spec(config["cosponsor_model"]),
        yes_voter_spec=model_spec("h2_cosponsor"),
        states=config["prediction_states"],
    benchmark:
        "results/benchmarks/rules/predictions.tsv",
    log:
        "results/logs/predictions.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/predict_states.py"
