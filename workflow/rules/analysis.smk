rule panel:
    input:
        resolutions="results/data/resolutions.parquet",
        votes="results/data/votes.parquet",
        sponsorships="results/data/sponsorships.parquet",
        countries="results/data/countries.parquet",
        features="results/data/features.parquet",
        code=script_code("build_panel"),
    output:
        panel="results/analysis/panel.parquet",
        panel_csv="results/analysis/panel.csv",
        placebo="results/analysis/placebo_panel.parquet",
    log:
        "results/logs/panel.log",
    benchmark:
        "results/benchmarks/rules/panel.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        panel=config["panel"],
        placebo=config["placebo"],
    script:
        "../scripts/build_panel.py"


rule imputations:
    input:
        features="results/data/features.parquet",
        panel="results/analysis/panel.parquet",
        code=script_code("impute_covariates"),
    output:
        "results/analysis/imputations.parquet",
    log:
        "results/logs/imputations.log",
    benchmark:
        "results/benchmarks/rules/imputations.tsv"
    # On the way to the models: before the figures that need only the panel.
    priority: 1
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=config["imputation"],
        outcome_texts=config["text_sets"][config["imputation"]["outcome_texts"]],
    script:
        "../scripts/impute_covariates.py"


# One fitting job per model: a change to one model's entry refits that model alone, and a
# model that fails costs no other model its outputs.
rule model:
    input:
        panel=lambda w: PANELS[model_spec(w.name)["panel"]],
        imputations="results/analysis/imputations.parquet",
        code=script_code("fit_model"),
    output:
        fit="results/models/{name}/fit.json",
        coefficients="results/models/{name}/coefficients.csv",
        margins="results/models/{name}/margins.csv",
        design="results/models/{name}/design.parquet",
        parameters="results/models/{name}/parameters.parquet",
    log:
        "results/logs/models/{name}.log",
    benchmark:
        "results/benchmarks/rules/model_{name}.tsv"
    wildcard_constraints:
        name="|".join(MODELS),
    # The longest jobs of the analysis: started first, they end before the short ones
    # instead of after them.
    priority: 1
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        spec=lambda w: model_spec(w.name),
    script:
        "../scripts/fit_model.py"


rule bootstrap:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("bootstrap_hypotheses"),
    output:
        "results/resampling/bootstrap_{chunk}.parquet",
    log:
        "results/logs/bootstrap/{chunk}.log",
    benchmark:
        "results/benchmarks/rules/bootstrap_{chunk}.tsv"
    # The longest jobs of the resampling stage: both chunks first, side by side, so that the
    # short chunks fill in around them rather than leave one chunk running alone at the end.
    priority: 1
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        specs={name: model_spec(name) for name in HYPOTHESIS_MODELS},
        entries=HashedParam(HYPOTHESIS_ENTRIES, "hypotheses"),
        tie=config["hypotheses"]["tie"],
        seed=BOOTSTRAP["seed"],
        replicates=lambda w: chunk_range(w.chunk, BOOTSTRAP["replicates"], BOOTSTRAP["chunks"]),
    script:
        "../scripts/bootstrap_hypotheses.py"


rule hypotheses:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        draws=expand(
            "results/resampling/bootstrap_{chunk}.parquet", chunk=range(BOOTSTRAP["chunks"])
        ),
        fits=expand("results/models/{name}/fit.json", name=HYPOTHESIS_MODELS),
        margins=expand("results/models/{name}/margins.csv", name=HYPOTHESIS_MODELS),
        randomisation="results/resampling/randomisation.csv",
        within="results/models/within.csv",
        code=script_code("summarise_hypotheses"),
    output:
        hypotheses=report(
            "results/models/hypotheses.csv",
            category="Hypotheses",
            caption="../report/hypotheses.rst",
        ),
        checks="results/models/period_check.csv",
    log:
        "results/logs/hypotheses.log",
    benchmark:
        "results/benchmarks/rules/hypotheses.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        models=HYPOTHESIS_MODELS,
        specs={name: model_spec(name) for name in HYPOTHESIS_MODELS},
        entries=HashedParam(config["hypotheses"]["entries"], "hypotheses.entries"),
        checks=HashedParam(config["hypotheses"]["checks"], "hypotheses.checks"),
        within_entries=HashedParam(
            config["hypotheses"]["within_entries"], "hypotheses.within_entries"
        ),
        within=HashedParam(config["within"], "within"),
        tie=config["hypotheses"]["tie"],
        titles=HashedParam(config["model_titles"], "model_titles"),
    script:
        "../scripts/summarise_hypotheses.py"


rule heterogeneity:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("estimate_heterogeneity"),
    output:
        "results/models/heterogeneity.csv",
    log:
        "results/logs/heterogeneity.log",
    benchmark:
        "results/benchmarks/rules/heterogeneity.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        spec=model_spec(config["heterogeneity"]["model"]),
        terms=config["heterogeneity"]["terms"],
    script:
        "../scripts/estimate_heterogeneity.py"


rule sensitivity:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("analyse_sensitivity"),
    output:
        "results/models/sensitivity.csv",
    log:
        "results/logs/sensitivity.log",
    benchmark:
        "results/benchmarks/rules/sensitivity.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=config["sensitivity"],
        texts=config["text_sets"][config["sensitivity"]["texts"]],
        spec=model_spec(config["main_model"]),
    script:
        "../scripts/analyse_sensitivity.py"


rule validation:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("validate_models"),
    output:
        scores="results/models/validation.csv",
        differences="results/models/validation_differences.csv",
    log:
        "results/logs/validation.log",
    benchmark:
        "results/benchmarks/rules/validation.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        spec=model_spec(config["validation"]["model"]),
        baselines={
            name: model_spec(config["validation"]["model"], **change)
            for name, change in config["validation"]["baselines"].items()
        },
        settings=config["validation"],
    script:
        "../scripts/validate_models.py"


rule predictions:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        fits=expand("results/models/{name}/fit.json", name=PREDICTION_MODELS),
        parameters=expand("results/models/{name}/parameters.parquet", name=PREDICTION_MODELS),
        code=script_code("predict_states"),
    output:
        predictions="results/models/predictions.csv",
        israel="results/models/israel_cosponsorship.csv",
    log:
        "results/logs/predictions.log",
    benchmark:
        "results/benchmarks/rules/predictions.tsv"
    # Ahead of the other jobs the models free: a figure and a table wait for it in turn.
    priority: 1
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        models=PREDICTION_MODELS,
        specs=[model_spec(config["main_model"]), model_spec(config["cross_section_model"])],
        cosponsor_spec=model_spec(config["cosponsor_model"]),
        yes_voter_spec=model_spec("h2_cosponsor"),
        states=config["prediction_states"],
    script:
        "../scripts/predict_states.py"


rule multiverse_chunk:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("multiverse_chunk"),
    output:
        "results/multiverse/chunk_{chunk}.parquet",
    log:
        "results/logs/multiverse/{chunk}.log",
    benchmark:
        "results/benchmarks/rules/multiverse_chunk_{chunk}.tsv"
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        settings=HashedParam(
            {**MULTIVERSE, "exclude_states": config["model_defaults"]["exclude_states"]},
            "multiverse",
        ),
        texts=config["text_sets"][MULTIVERSE["texts"]],
        chunks=MULTIVERSE["chunks"],
    script:
        "../scripts/multiverse_chunk.py"


rule multiverse:
    input:
        chunks=expand("results/multiverse/chunk_{chunk}.parquet", chunk=range(MULTIVERSE["chunks"])),
        code=script_code("gather_multiverse"),
    output:
        specifications="results/multiverse/specifications.parquet",
        summary="results/multiverse/summary.csv",
    log:
        "results/logs/multiverse/gather.log",
    benchmark:
        "results/benchmarks/rules/multiverse.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        tie=config["hypotheses"]["tie"],
        draws=MULTIVERSE["bootstrap"]["draws"],
    script:
        "../scripts/gather_multiverse.py"


rule randomisation_chunk:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        code=script_code("randomisation_chunk"),
    output:
        "results/resampling/randomisation_{chunk}.parquet",
    log:
        "results/logs/randomisation/{chunk}.log",
    benchmark:
        "results/benchmarks/rules/randomisation_chunk_{chunk}.tsv"
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        spec=model_spec(RANDOMISATION["model"]),
        tie=config["hypotheses"]["tie"],
        seed=RANDOMISATION["seed"],
        draws=lambda w: chunk_range(w.chunk, RANDOMISATION["permutations"], RANDOMISATION["chunks"]),
    script:
        "../scripts/randomisation_chunk.py"


rule randomisation:
    input:
        panel="results/analysis/panel.parquet",
        imputations="results/analysis/imputations.parquet",
        draws=expand(
            "results/resampling/randomisation_{chunk}.parquet",
            chunk=range(RANDOMISATION["chunks"]),
        ),
        code=script_code("gather_randomisation"),
    output:
        "results/resampling/randomisation.csv",
    log:
        "results/logs/randomisation/gather.log",
    benchmark:
        "results/benchmarks/rules/randomisation.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        spec=model_spec(RANDOMISATION["model"]),
        tie=config["hypotheses"]["tie"],
    script:
        "../scripts/gather_randomisation.py"
