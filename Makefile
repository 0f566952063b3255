# Two entry points: `make all` (set up, run the workflow to the paper) and `make test`;
# `make archive` packs the tracked files into a replication archive.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEX_TOOLS := latexmk pdflatex bibtex pdftotext
TEX_PACKAGES := latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended texlive-bibtex-extra poppler-utils

# Snakemake already runs jobs side by side: one BLAS thread per job.
export OPENBLAS_NUM_THREADS ?= 1

ARCHIVE_DIR := results/archive
ARCHIVE_NAME := abstention-replication
# Same bytes for the same files: fixed order, owner, times and no gzip timestamp.
TAR_FLAGS := --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1677110400

.PHONY: all test setup tex report clean archive

all: setup tex
	$(BIN)/snakemake --cores all
	$(BIN)/snakemake --report results/report.html

report: setup
	$(BIN)/snakemake --report results/report.html

test: setup tex
	$(BIN)/ruff check src tests workflow
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint
	$(BIN)/pytest

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

# Everything needed to rebuild the paper offline: the tracked files as they are in the
# working tree, with SHA256SUMS of every file inside and the archive's own checksum beside it.
archive:
	rm -rf $(ARCHIVE_DIR)/$(ARCHIVE_NAME) && mkdir -p $(ARCHIVE_DIR)/$(ARCHIVE_NAME)
	git ls-files -z | xargs -0 cp --parents -t $(ARCHIVE_DIR)/$(ARCHIVE_NAME)
	cd $(ARCHIVE_DIR)/$(ARCHIVE_NAME) && find . -type f ! -path ./SHA256SUMS -printf '%P\0' \
		| LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS
	tar $(TAR_FLAGS) -C $(ARCHIVE_DIR) -cf - $(ARCHIVE_NAME) | gzip -n > $(ARCHIVE_DIR)/$(ARCHIVE_NAME).tar.gz
	cd $(ARCHIVE_DIR) && sha256sum $(ARCHIVE_NAME).tar.gz > $(ARCHIVE_NAME).tar.gz.sha256
	rm -rf $(ARCHIVE_DIR)/$(ARCHIVE_NAME)

clean:
	rm -rf results .snakemake
