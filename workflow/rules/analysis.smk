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
        features="results/data/features.parquet",
        code=package("panel", "tables_io"),
    output:
        panel="results/analysis/panel.parquet",
        panel_csv="results/analysis/panel.csv",
        placebo="results/analysis/placebo_panel.parquet",
    params:
        placebo=config["placebo"],
    log:
        "results/logs/panel.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/build_panel.py"


rule model:
    input:
        panel=lambda w: model_panel(w.name),
        code=package("models", "estimators", "tables_io", "errors"),
    output:
        coefficients="results/models/{name}/coefficients.csv",
        margins="results/models/{name}/margins.csv",
        fit="results/models/{name}/fit.json",
        design="results/models/{name}/design.parquet",
    params:
        spec=lambda w: model_spec(w.name),
    log:
        "results/logs/models/{name}.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/fit_model.py"


rule validation:
    input:
        panel="results/analysis/panel.parquet",
        code=package("validation", "models", "estimators"),
    output:
        "results/models/validation.csv",
    params:
        spec=model_spec(config["main_model"]),
        baselines={
            name: model_spec(config["main_model"], **change)
            for name, change in config["validation"]["baselines"].items()
        },
        settings=config["validation"],
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
        code=package("models", "estimators"),
    output:
        predictions="results/models/predictions.csv",
        curve="results/models/not_yes_curve.csv",
    params:
        specs=[model_spec(config["main_model"]), model_spec(config["cross_section_model"])],
        curve_spec=model_spec(config["cross_section_model"]),
        states=config["prediction_states"],
    log:
        "results/logs/predictions.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/predict_states.py"
