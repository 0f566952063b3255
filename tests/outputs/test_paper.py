"""The paper: built by the workflow from its outputs, every number traced to a result file."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.outputs.paper_check import check_sources

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "results/paper/paper.pdf"

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def paper_text(workflow_results) -> str:
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_no_undefined_references_or_citations(paper_text):
    assert "??" not in paper_text
    assert "(?)" not in paper_text


def test_key_numbers_in_the_pdf_equal_the_result_files(paper_text):
    votes = pd.read_parquet(ROOT / "results/analysis/panel.parquet")
    es1 = votes[votes["symbol"] == "A/RES/ES-11/1"]["vote"].value_counts()
    assert f"adopted by {es1['yes']} votes to {es1['no']}" in " ".join(paper_text.split())
    hypotheses = pd.read_csv(ROOT / "results/models/hypotheses.csv")
    h1 = hypotheses[(hypotheses["hypothesis"] == "H1") & hypotheses["primary"]].iloc[0]
    text = " ".join(paper_text.split())
    assert f"withholding a yes vote by {h1['estimate']:.3f}" in text
    assert f"(95% interval {h1['ci_low']:.3f} to {h1['ci_high']:.3f}" in text


def test_same_inputs_give_the_same_pdf_text(paper_text, snakemake_in_repo):
    PDF.unlink()
    assert snakemake_in_repo("results/paper/paper.pdf").returncode == 0
    again = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert again == paper_text


def test_changing_the_style_module_reruns_figures_and_paper_only(paper_text, snakemake_in_repo):
    style = ROOT / "src/abstention/style.py"
    original, stat = style.read_bytes(), style.stat()
    style.write_bytes(original + b"\n# a change to the style module\n")
    try:
        plan = snakemake_in_repo("--dry-run", "results/paper/paper.pdf")
    finally:
        style.write_bytes(original)
        os.utime(style, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    planned = re.findall(r"^(?:local)?rule (\w+):", plan.stdout, flags=re.MULTILINE)
    figures = yaml.safe_load((ROOT / "config/config.yaml").read_text())["figures"]["registry"]
    assert set(planned) == {"paper", "figure"}, plan.stdout
    assert planned.count("figure") == len(figures), plan.stdout


def _sources(tmp_path: Path, body: str, macros: str = "\\newcommand{\\NumA}{1}\n",
             bib: str = "@article{known, author={A}, title={T}, year={2000}, journal={J}}\n"):
    (tmp_path / "main.tex").write_text(body)
    (tmp_path / "numbers.tex").write_text(macros)
    (tmp_path / "refs.bib").write_text(bib)
    return tmp_path / "main.tex", tmp_path / "numbers.tex", tmp_path / "refs.bib", tmp_path


def test_undefined_macro_stops_naming_it(tmp_path):
    with pytest.raises(DataError, match="NumMissing"):
        check_sources(*_sources(tmp_path, "\\NumA{} and \\NumMissing{}"))


def test_missing_figure_stops_naming_it(tmp_path):
    with pytest.raises(DataError, match="figures/nowhere.pdf"):
        check_sources(*_sources(tmp_path, "\\includegraphics[width=1cm]{figures/nowhere.pdf}"))


def test_citation_without_entry_stops_naming_it(tmp_path):
    with pytest.raises(DataError, match="unknown2020"):
        check_sources(*_sources(tmp_path, "\\citep{known,unknown2020}"))


def test_good_sources_pass(tmp_path):
    (tmp_path / "fig.pdf").write_bytes(b"%PDF")
    check_sources(*_sources(tmp_path, "\\NumA{} \\citet{known} \\includegraphics{fig.pdf}"))
