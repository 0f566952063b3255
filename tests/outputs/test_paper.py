"""The paper: built by the workflow from its outputs, every number traced to a result file,
every figure and table referred to in the order of its number."""

from __future__ import annotations

import importlib
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
MAIN_TEX = ROOT / "paper/main.tex"

COMMENT = re.compile(r"(?<!\\)%.*")
# A float written in the paper, or a generated table read in with \input: the workflow writes
# results/tables/NAME.tex as one table (or longtable) labelled tab:NAME.
EXHIBIT = re.compile(r"\\begin\{(figure|table|longtable)\*?\}(.*?)\\end\{\1\*?\}"
                     r"|\\input\{results/tables/(\w+)(?:\.tex)?\}", re.DOTALL)
LABEL = re.compile(r"\\label\{([^}]+)\}")
REFERENCE = re.compile(r"\\(?:auto|c|C)?ref\{([^}]+)\}")


@pytest.fixture(scope="module")
def paper_text(workflow_results) -> str:
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.workflow
def test_no_undefined_references_or_citations(paper_text):
    assert "??" not in paper_text
    assert "(?)" not in paper_text


@pytest.mark.workflow
def test_key_numbers_in_the_pdf_equal_the_result_files(paper_text):
    votes = pd.read_parquet(ROOT / "results/analysis/panel.parquet")
    es1 = votes[votes["symbol"] == "A/RES/ES-11/1"]["vote"].value_counts()
    assert f"adopted by {es1['yes']} votes to {es1['no']}" in " ".join(paper_text.split())
    hypotheses = pd.read_csv(ROOT / "results/models/hypotheses.csv")
    h1 = hypotheses[(hypotheses["hypothesis"] == "H1") & hypotheses["primary"]].iloc[0]
    text = " ".join(paper_text.split())
    assert f"withholding a yes vote higher by {h1['estimate']:.3f}" in text
    assert f"bootstrap interval {h1['ci_low']:.3f} to {h1['ci_high']:.3f}" in text


@pytest.mark.workflow
def test_same_inputs_give_the_same_pdf_text(paper_text, snakemake_in_repo):
    PDF.unlink()
    assert snakemake_in_repo("results/paper/paper.pdf").returncode == 0
    again = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert again == paper_text


@pytest.mark.workflow
def test_changing_the_style_module_reruns_figures_and_paper_only(paper_text, snakemake_in_repo):
    style = ROOT / "src/abstention/outputs/style.py"
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


def exhibits(tex: str) -> dict[str, list[str]]:
    """Labels of the figures and of the tables, each in the order LaTeX numbers them: the
    order of the float environments in the source."""
    found = {"Figure": [], "Table": []}
    for match in EXHIBIT.finditer(COMMENT.sub("", tex)):
        environment, body, table_file = match.groups()
        if table_file:
            found["Table"].append(f"tab:{table_file}")
        else:
            labels = LABEL.findall(body)
            kind = "Figure" if environment == "figure" else "Table"
            found[kind].append(labels[0] if labels else "(no label)")
    return found


def exhibit_order_problems(tex: str) -> list[str]:
    """Every figure and table must be referred to, and first referred to in the order of its
    number (figures and tables each on their own)."""
    first = {}
    for match in REFERENCE.finditer(COMMENT.sub("", tex)):
        for label in match.group(1).split(","):
            first.setdefault(label.strip(), match.start())
    problems = []
    for kind, labels in exhibits(tex).items():
        problems += [f"{kind} {number} ({label}) is never referred to"
                     for number, label in enumerate(labels, 1) if label not in first]
        by_reference = sorted((label for label in labels if label in first), key=first.get)
        numbers = [labels.index(label) + 1 for label in by_reference]
        if numbers != sorted(numbers):
            problems.append(f"{kind}s are first referred to in the order {numbers}: "
                            + ", ".join(by_reference))
    return problems


def test_exhibits_are_first_referred_to_in_the_order_of_their_numbers():
    assert exhibit_order_problems(MAIN_TEX.read_text(encoding="utf-8")) == []


def _figure(label: str) -> str:
    return f"\\begin{{figure}}\\caption{{c}}\\label{{{label}}}\\end{{figure}}\n"


def test_exhibit_order_check_reads_floats_and_generated_tables_in_source_order():
    tex = ("See Figure~\\ref{fig:a}, Table~\\ref{tab:one} and Figure~\\ref{fig:b}.\n"
           + _figure("fig:a") + "\\input{results/tables/one.tex}\n" + _figure("fig:b")
           + "% \\input{results/tables/commented.tex}\n")
    assert exhibits(tex) == {"Figure": ["fig:a", "fig:b"], "Table": ["tab:one"]}
    assert exhibit_order_problems(tex) == []


def test_exhibit_order_check_fails_on_a_figure_referred_to_early():
    tex = "Figure~\\ref{fig:b} before Figure~\\ref{fig:a}.\n" + _figure("fig:a") + _figure("fig:b")
    assert exhibit_order_problems(tex) == [
        "Figures are first referred to in the order [2, 1]: fig:b, fig:a"]


def test_exhibit_order_check_fails_on_a_table_never_referred_to():
    tex = ("Table~\\ref{tab:one}; a commented % Table~\\ref{tab:two}\n"
           "\\input{results/tables/one}\n\\input{results/tables/two.tex}\n")
    assert exhibit_order_problems(tex) == ["Table 2 (tab:two) is never referred to"]


README_ROW = re.compile(
    r"^\| (Table|Figure) (\d+) \| `(results/[^`]+)`[^|]*\|[^|]*\|[^|]*\| `([\w.]+)`", re.M
)
GRAPHIC = re.compile(r"\\includegraphics(?:\[[^]]*\])?\{([^}]+)\}")


def numbered_files(tex: str) -> dict[str, list[str]]:
    """The file each figure and table number shows, in numbering order."""
    found = {"Figure": [], "Table": []}
    for match in EXHIBIT.finditer(COMMENT.sub("", tex)):
        environment, body, table_file = match.groups()
        if table_file:
            found["Table"].append(f"results/tables/{table_file}.tex")
        elif environment == "figure":
            found["Figure"].append(GRAPHIC.findall(body)[0].removesuffix(".pdf"))
    return found


def test_readme_lists_every_exhibit_with_its_file_and_a_real_function():
    """The README's exhibit table is how a reader goes from a number in the paper to its rule
    and function, so its numbers, files and function names must be the paper's."""
    rows = README_ROW.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    listed = {"Figure": [], "Table": []}
    for kind, number, path, function in rows:
        listed[kind].append((int(number), path.removesuffix(".{pdf,png}")))
        module, name = function.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(f"abstention.{module}"), name))
    expected = numbered_files(MAIN_TEX.read_text(encoding="utf-8"))
    for kind, files in expected.items():
        assert listed[kind] == list(enumerate(files, 1)), kind


APPENDIX_LABEL = re.compile(r"\\label\{(app:[^}]+)\}")
APPENDIX_REFERENCE = re.compile(r"\\ref\{(app:[^}]+)\}")


def appendix_order_problems(tex: str) -> list[str]:
    """Every appendix must be referred to in the main text, first in the order of its letter."""
    text = COMMENT.sub("", tex)
    main, appendix = text.split("\\appendix", 1)
    letters = APPENDIX_LABEL.findall(appendix)
    first = list(dict.fromkeys(APPENDIX_REFERENCE.findall(main)))
    problems = [f"{label} is never referred to" for label in letters if label not in first]
    referred = [label for label in first if label in letters]
    if referred != [label for label in letters if label in referred]:
        problems.append(f"appendices first referred to in the order {referred}, not {letters}")
    return problems


def test_appendices_are_first_referred_to_in_the_order_of_their_letters():
    assert appendix_order_problems(MAIN_TEX.read_text(encoding="utf-8")) == []


def test_appendix_order_check_fails_on_the_second_appendix_first():
    tex = ("See Appendix~\\ref{app:b}, then Appendix~\\ref{app:a}.\n\\appendix\n"
           "\\section{A}\\label{app:a}\n\\section{B}\\label{app:b}\n\\section{C}\\label{app:c}\n")
    assert appendix_order_problems(tex) == [
        "app:c is never referred to",
        "appendices first referred to in the order ['app:b', 'app:a'], not "
        "['app:a', 'app:b', 'app:c']"]


def _argument(tex: str, command: str) -> str:
    """The braced argument of the first `command{...}` or `command={...}`, spaces collapsed and
    LaTeX line breaks read as spaces."""
    match = re.search(re.escape(command) + r"=?\{((?:[^{}]|\{[^{}]*\})*)\}", tex)
    assert match, command
    return " ".join(match.group(1).replace("\\\\", " ").split())


def test_pdf_metadata_repeats_the_title_and_author():
    tex = MAIN_TEX.read_text(encoding="utf-8")
    assert _argument(tex, "pdftitle") == _argument(tex, "\\title")
    assert _argument(tex, "pdfauthor") == _argument(tex, "\\author")


def test_data_availability_points_to_readme_sections_that_exist():
    tex = COMMENT.sub("", MAIN_TEX.read_text(encoding="utf-8"))
    statement = tex.split("\\section*{Data availability}", 1)[1].split("\\bibliography", 1)[0]
    named = [" ".join(name.split()) for name in re.findall(r"``([^']+)''", statement)]
    headings = re.findall(r"^## (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert named and set(named) <= set(headings), (named, headings)
    for path in re.findall(r"\\texttt\{([^}]+)\}", statement):
        assert (ROOT / path.replace("\\_", "_")).is_file(), path
