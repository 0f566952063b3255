# `make all` sets up and runs the workflow to the paper; `make test` sets up and runs the tests;
# `make help` lists every target. Each target that runs the workflow uses the environment in
# .venv, so no command needs it activated.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEX_TOOLS := latexmk pdflatex bibtex pdftotext
TEX_PACKAGES := latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended texlive-bibtex-extra poppler-utils
SNAKEMAKE := $(BIN)/snakemake --cores all
REPORT := results/report.html
# What the report shows: it is rebuilt when one of these is newer than it, and only then.
REPORT_SHOWS = results/paper/paper.pdf results/models/hypotheses.csv config/config.yaml \
	$(wildcard results/figures/*.png results/tables/*.tex workflow/report/*)

# Snakemake already runs jobs side by side: one BLAS thread per job.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all test check help setup tex figures tables paper model hypotheses multiverse plan report \
	clean archive

all: setup tex ## set up .venv and TeX Live if missing, run the workflow to the paper and report
	$(SNAKEMAKE)
	@$(MAKE) --no-print-directory report

test: setup tex ## ruff, snakefmt, snakemake --lint and the whole test suite
	$(BIN)/ruff check src tests workflow
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint
	$(BIN)/pytest

# The quick tier for day-to-day work: ruff and every test that runs no workflow build (tests
# marked `workflow` or `slurm` are left to `make test`, which CI runs).
check: setup ## ruff and the tests that build no workflow (about 2 minutes)
	$(BIN)/ruff check src tests workflow
	$(BIN)/pytest -m "not workflow and not slurm"

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' \
		| awk -F '\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  make model NAME=<model>   one model of config/config.yaml (results/models/<model>/)"

figures: setup ## every figure of the registry (results/figures/)
	$(SNAKEMAKE) figures

tables: setup ## every table of the registry (results/tables/)
	$(SNAKEMAKE) tables

paper: setup tex ## the paper (results/paper/paper.pdf) and what it needs
	$(SNAKEMAKE) results/paper/paper.pdf

model: setup
	@test -n "$(NAME)" || { echo "Name the model: make model NAME=<a key of models in config/config.yaml>"; exit 2; }
	$(SNAKEMAKE) results/models/$(NAME)/fit.json results/models/$(NAME)/margins.csv

hypotheses: setup ## the hypothesis quantities (results/models/hypotheses.csv)
	$(SNAKEMAKE) results/models/hypotheses.csv

multiverse: setup ## the specification curve's summary (results/multiverse/summary.csv)
	$(SNAKEMAKE) results/multiverse/summary.csv

plan: setup ## what a run would do and why, without running it (snakemake --dry-run)
	$(BIN)/snakemake --dry-run

report: setup ## the HTML report, rebuilt only when something it shows has changed
	@test -f results/paper/paper.pdf || { echo "Nothing to report yet: run make all first."; exit 2; }
	@$(MAKE) --no-print-directory $(REPORT)

$(REPORT): $(REPORT_SHOWS)
	$(BIN)/snakemake --report $@

setup: $(STAMP)

# The SLURM executor goes into its own folder, which only the SLURM test puts on the path
# (workflow/envs/slurm-plugin.txt says why).
$(STAMP): pyproject.toml workflow/envs/slurm-plugin.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --upgrade \
		--target $(VENV)/slurm-plugin -r workflow/envs/slurm-plugin.txt
	touch $(STAMP)

tex:
	@missing=""; for t in $(TEX_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing TeX Live from Debian packages (missing:$$missing)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $(TEX_PACKAGES); \
	else \
		echo "Missing:$$missing. Install as root: apt-get install $(TEX_PACKAGES)"; exit 1; \
	fi

# Everything needed to rebuild the paper offline: the files of HEAD (not the working tree),
# MANIFEST.json and SHA256SUMS inside, the archive's own checksum beside it. Uncommitted
# changes to tracked files stop it; ALLOW_DIRTY=1 packs HEAD anyway and records them.
archive: setup ## results/archive/: the files of HEAD with MANIFEST.json and SHA256SUMS
	$(BIN)/python -m abstention.archive $(if $(ALLOW_DIRTY),--allow-dirty)

clean: ## remove results/ and .snakemake/ (everything generated)
	rm -rf results .snakemake
