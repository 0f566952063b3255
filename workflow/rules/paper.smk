FIGURE_CODE = package("figure_builders", "figures", "style", "labels", "projection",
                      "readers/natural_earth")
AME_MODELS = ["pooled_logit", "robust_firth", "robust_lpm", "robust_no_former_ussr",
              "placebo_pooled"]


rule figure_world_map:
    input:
        panel="results/analysis/panel.parquet",
        topojson="data/raw/natural_earth/countries-50m.json",
        codelist="data/raw/countrycode/codelist.rda",
        territories="config/map_territories.csv",
        capitals="data/raw/cow/cow_capitals.rda",
        code=FIGURE_CODE + package("map_layers", "readers/cow"),
    output:
        report(figure_rule_output("world_map_es11_1"), category="Figures",
               caption="../report/world_map.rst"),
    params:
        settings={"small_state_km2": config["figures"]["small_state_km2"]},
    log:
        "results/logs/figures/world_map.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1500,
    script:
        "../scripts/draw_figure.py"


rule figure_vote_counts:
    input:
        panel="results/analysis/panel.parquet",
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("vote_counts"), category="Figures",
               caption="../report/vote_counts.rst"),
    params:
        settings={},
    log:
        "results/logs/figures/vote_counts.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figure_alignment_arms:
    input:
        panel="results/analysis/panel.parquet",
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("alignment_vs_arms"), category="Figures",
               caption="../report/alignment_arms.rst"),
    params:
        settings={"label_states": config["figures"]["label_states"]},
    log:
        "results/logs/figures/alignment_arms.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figure_marginal_effects:
    input:
        margins=expand("results/models/{name}/margins.csv", name=AME_MODELS),
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("marginal_effects"), category="Figures",
               caption="../report/marginal_effects.rst"),
    params:
        settings={"models": AME_MODELS, "terms": config["covariate_sets"]["main"]},
    log:
        "results/logs/figures/marginal_effects.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figure_not_yes_curve:
    input:
        panel="results/analysis/panel.parquet",
        curve="results/models/not_yes_curve.csv",
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("not_yes_curve"), category="Figures",
               caption="../report/not_yes_curve.rst"),
    params:
        settings={},
    log:
        "results/logs/figures/not_yes_curve.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figure_israel:
    input:
        panel="results/analysis/panel.parquet",
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("israel_path"), category="Figures",
               caption="../report/israel.rst"),
    params:
        settings={"us_allies": config["figures"]["us_allies"]},
    log:
        "results/logs/figures/israel.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figure_over_time:
    input:
        panel="results/analysis/panel.parquet",
        code=FIGURE_CODE,
    output:
        report(figure_rule_output("abstention_over_time"), category="Figures",
               caption="../report/over_time.rst"),
    params:
        settings={"exclude_states": config["model_defaults"]["exclude_states"],
                  "arms_threshold": config["features"]["leverage_arms_threshold"]},
    log:
        "results/logs/figures/over_time.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/draw_figure.py"


rule figures:
    input:
        rules.figure_world_map.output,
        rules.figure_vote_counts.output,
        rules.figure_alignment_arms.output,
        rules.figure_marginal_effects.output,
        rules.figure_not_yes_curve.output,
        rules.figure_israel.output,
        rules.figure_over_time.output,


rule numbers:
    input:
        panel="results/analysis/panel.parquet",
        placebo="results/analysis/placebo_panel.parquet",
        fits=expand("results/models/{name}/fit.json", name=MODELS),
        margins=expand("results/models/{name}/margins.csv", name=MODELS),
        validation="results/models/validation.csv",
        predictions="results/models/predictions.csv",
        tally="results/data/tally_report.csv",
        overlap="results/data/source_overlap.csv",
        resolutions="results/data/resolutions.parquet",
        partial_sponsors="data/hand/s_2022_155_sponsors_partial.csv",
        code=package("numbers"),
    output:
        "results/paper/numbers.tex",
    params:
        models=MODELS,
        reported={"Main": config["main_model"], "Cross": config["cross_section_model"],
                  "Lpm": config["lpm_model"]},
        settings={k: config[k] for k in ("features", "placebo")},
    log:
        "results/logs/numbers.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/write_numbers.py"


TABLE_CODE = package("table_builders", "tables", "labels")


rule table_main:
    input:
        **table_inputs("table_main"),
        code=TABLE_CODE,
    output:
        "results/tables/main.tex",
    log:
        "results/logs/tables/main.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_latex_table.py"


rule table_vote_choice:
    input:
        **table_inputs("table_vote_choice"),
        code=TABLE_CODE,
    output:
        "results/tables/vote_choice.tex",
    log:
        "results/logs/tables/vote_choice.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_latex_table.py"


rule table_margins:
    input:
        **table_inputs("table_margins"),
        code=TABLE_CODE,
    output:
        "results/tables/margins.tex",
    log:
        "results/logs/tables/margins.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_latex_table.py"


rule table_cosponsor:
    input:
        **table_inputs("table_cosponsor"),
        code=TABLE_CODE,
    output:
        "results/tables/cosponsor.tex",
    log:
        "results/logs/tables/cosponsor.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_latex_table.py"


rule table_robustness:
    input:
        **table_inputs("table_robustness"),
        code=TABLE_CODE,
    output:
        "results/tables/robustness.tex",
    log:
        "results/logs/tables/robustness.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_latex_table.py"


rule table_tally:
    input:
        tally="results/data/tally_report.csv",
        code=TABLE_CODE,
    output:
        "results/tables/tally.tex",
    log:
        "results/logs/tables/tally.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=500,
    script:
        "../scripts/write_tally_table.py"


PAPER_INPUTS = {
    "main": "paper/main.tex",
    "bib": "paper/references.bib",
    "numbers": "results/paper/numbers.tex",
    "tables": ["results/tables/main.tex", "results/tables/vote_choice.tex",
               "results/tables/margins.tex",
               "results/tables/cosponsor.tex", "results/tables/robustness.tex",
               "results/tables/codebook.tex", "results/tables/tally.tex"],
    "figures": rules.figures.input,
}


rule paper:
    input:
        **PAPER_INPUTS,
        check=package("paper_check"),
    output:
        "results/paper/paper.pdf",
    params:
        source_date_epoch=config["paper"]["source_date_epoch"],
    log:
        "results/logs/paper.log",
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    script:
        "../scripts/build_paper.py"
