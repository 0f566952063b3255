from abstention.outputs.paper_check import referenced_files

FIGURE_CODE = script_code("draw_figure")
TABLE_CODE = script_code("write_latex_table")
FIGURES = sorted(config["figures"]["registry"])
TABLES = sorted(config["tables"]["registry"])


rule figure:
    input:
        unpack(lambda w: exhibit_inputs(config["figures"]["registry"][w.figure], FIGURE_CODE)),
    output:
        "results/figures/{figure}.pdf",
        report(
            "results/figures/{figure}.png",
            category="Figures",
            caption="../report/figure.rst",
        ),
    log:
        "results/logs/figures/{figure}.log",
    benchmark:
        "results/benchmarks/rules/figure_{figure}.tsv"
    wildcard_constraints:
        figure="|".join(FIGURES),
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1500,
    params:
        entry=lambda w: config["figures"]["registry"][w.figure],
        settings=HashedParam(
            {
                "label_states": config["figures"]["label_states"],
                "us_allies": config["figures"]["us_allies"],
                "exclude_states": config["model_defaults"]["exclude_states"],
                "model_titles": config["model_titles"],
                "small_state_km2": config["figures"]["small_state_km2"],
            },
            "figure settings",
        ),
    script:
        "../scripts/draw_figure.py"


rule figures:
    input:
        expand("results/figures/{figure}.{ext}", figure=FIGURES, ext=("pdf", "png")),


rule tables:
    input:
        expand("results/tables/{table}.tex", table=TABLES),


rule table:
    input:
        unpack(lambda w: exhibit_inputs(config["tables"]["registry"][w.table], TABLE_CODE)),
    output:
        report("results/tables/{table}.tex", category="Tables", caption="../report/table.rst"),
    log:
        "results/logs/tables/{table}.log",
    benchmark:
        "results/benchmarks/rules/table_{table}.tsv"
    wildcard_constraints:
        table="|".join(TABLES),
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    params:
        entry=lambda w: config["tables"]["registry"][w.table],
        model_titles=HashedParam(config["model_titles"], "model_titles"),
    script:
        "../scripts/write_latex_table.py"


rule numbers:
    input:
        panel="results/analysis/panel.parquet",
        placebo="results/analysis/placebo_panel.parquet",
        fits=expand("results/models/{name}/fit.json", name=MODELS),
        margins=expand("results/models/{name}/margins.csv", name=MODELS),
        hypotheses="results/models/hypotheses.csv",
        period_check="results/models/period_check.csv",
        heterogeneity="results/models/heterogeneity.csv",
        sensitivity="results/models/sensitivity.csv",
        validation="results/models/validation.csv",
        validation_differences="results/models/validation_differences.csv",
        predictions="results/models/predictions.csv",
        israel="results/models/israel_cosponsorship.csv",
        tally="results/data/tally_report.csv",
        overlap="results/data/source_overlap.csv",
        resolutions="results/data/resolutions.parquet",
        partial_sponsors="data/hand/s_2022_155_sponsors_partial.csv",
        multiverse="results/multiverse/summary.csv",
        randomisation="results/resampling/randomisation.csv",
        sponsorship_by_session="results/data/sponsorship_by_session.csv",
        ties="results/data/ties_state_year.parquet",
        ties_codebook="results/data/ties_codebook.csv",
        un_dl_disagreements="results/data/un_dl_disagreements.csv",
        text_patrons="results/data/text_patrons.parquet",
        within="results/models/within.csv",
        within_multiverse="results/models/within_multiverse_summary.csv",
        within_summary="results/panel/state_text_summary.csv",
        within_left_out="results/panel/state_text_left_out.csv",
        event_pretrends="results/models/event_study_pretrends.csv",
        israel_synthetic_summary="results/models/israel_synthetic_summary.csv",
        code=script_code("write_numbers"),
    output:
        "results/paper/numbers.tex",
    log:
        "results/logs/numbers.log",
    benchmark:
        "results/benchmarks/rules/numbers.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        arms_window=config["ties"]["arms_window_years"],
        within_choices=config["within"]["multiverse"],
        reported={
            "Main": config["main_model"],
            "Cross": config["cross_section_model"],
            "Lpm": config["lpm_model"],
            "Validation": config["validation"]["model"],
        },
        settings=HashedParam(
            {
                k: config[k]
                for k in (
                    "features",
                    "placebo",
                    "imputation",
                    "hypotheses",
                    "panel",
                    "model_defaults",
                    "article19",
                    "validation",
                )
            },
            "config sections",
        ),
        captions=HashedParam(
            {name: entry["caption"] for name, entry in config["figures"]["registry"].items()},
            "figure captions",
        ),
    script:
        "../scripts/write_numbers.py"


rule paper:
    input:
        main="paper/main.tex",
        bib="paper/references.bib",
        included=referenced_files(Path("paper/main.tex")),
        check=script_code("build_paper"),
    output:
        report("results/paper/paper.pdf", category="Paper", caption="../report/paper.rst"),
    log:
        "results/logs/paper.log",
    benchmark:
        "results/benchmarks/rules/paper.tsv"
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        source_date_epoch=config["paper"]["source_date_epoch"],
    script:
        "../scripts/build_paper.py"
