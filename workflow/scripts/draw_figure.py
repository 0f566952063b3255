from abstention.logs import step_log
from abstention.outputs.figure_builders import BUILDERS
from abstention.outputs.style import save_figure

with step_log(snakemake.log[0], snakemake.wildcards.figure) as log:
    entry = snakemake.params.entry
    figure = BUILDERS[entry["builder"]](snakemake.input, {**snakemake.params.settings, **entry})
    save_figure(figure, snakemake.output[0], snakemake.output[1])
    log.info("wrote %s", ", ".join(snakemake.output))
