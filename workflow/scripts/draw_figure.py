from abstention.figure_builders import BUILDERS
from abstention.logs import step_log
from abstention.style import save_figure

with step_log(snakemake.log[0], snakemake.rule) as log:  # noqa: F821
    figure = BUILDERS[snakemake.rule](snakemake.input, snakemake.params.settings)  # noqa: F821
    save_figure(figure, snakemake.output[0], snakemake.output[1])  # noqa: F821
    log.info("wrote %s", ", ".join(snakemake.output))  # noqa: F821
