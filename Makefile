# Two entry points: `make all` (set up, run the workflow to the paper) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEX_TOOLS := latexmk pdflatex bibtex pdftotext
TEX_PACKAGES := latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended texlive-bibtex-extra poppler-utils

# Snakemake already runs jobs side by side: one BLAS thread per job.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all test setup tex report clean

all: setup tex
	$(BIN)/snakemake --cores all
	$(BIN)/snakemake --report results/report.html

report: setup
	$(BIN)/snakemake --report results/report.html

test: setup tex
	$(BIN)/ruff check src tests workflow
	$(BIN)/snakemake --lint
	$(BIN)/pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
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

clean:
	rm -rf results .snakemake
