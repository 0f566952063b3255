"""LaTeX tables: content, flags that must never be silent, escaping, and that pdflatex compiles
them."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.labels import label
from abstention.models.common import TABLE_COLUMNS
from abstention.models.fit import fit_model
from abstention.outputs.exhibit_tables import codebook_table
from abstention.outputs.latex import escape, margins_table, regression_table
from abstention.schemas import write_table


def coefficients(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (equation, term, estimate, std_error, p)."""
    frame = pd.DataFrame(rows, columns=["equation", "term", "estimate", "std_error", "p"])
    frame["z"] = frame["estimate"] / frame["std_error"]
    frame["ci_low"] = frame["estimate"] - 1.96 * frame["std_error"]
    frame["ci_high"] = frame["estimate"] + 1.96 * frame["std_error"]
    return frame[TABLE_COLUMNS]


def fit(n: int, cov_type: str = "HC1", converged: bool = True, separated: list[str] | None = None,
        estimator: str = "logit", **extra) -> dict:
    return {"estimator": estimator, "n": n, "n_clusters": extra.pop("n_clusters", None),
            "log_likelihood": -101.234, "pseudo_r2": None if estimator == "lpm" else 0.2345,
            "r2": 0.1234 if estimator == "lpm" else None, "aic": 212.468, "cov_type": cov_type,
            "converged": converged,
            "separation": {"detected": bool(separated), "terms": separated or [], "method": "lp"},
            "warnings": [], **extra}


@pytest.fixture(scope="module")
def real_fit():
    rng = np.random.default_rng(5)
    n = 400
    data = pd.DataFrame({
        "arms_share_russia": rng.uniform(size=n),
        "csto_member": (rng.uniform(size=n) < 0.2).astype(float),
        "res_id": rng.choice(["r1", "r2", "r3"], size=n),
        "un_group": rng.choice(["African", "EEG", "WEOG"], size=n),
        "country": rng.choice([f"C{i}" for i in range(80)], size=n),
    })
    eta = -1.0 + 3.0 * data["arms_share_russia"] + 0.5 * data["csto_member"]
    data["not_yes"] = (eta + rng.logistic(size=n) > 0).astype(int)
    return fit_model(data, "not_yes", ["arms_share_russia", "csto_member"], "logit", "cluster",
                     groups="country", fixed_effects=["res_id", "un_group"])


@pytest.fixture(scope="module")
def fake_models() -> dict[str, tuple[pd.DataFrame, dict]]:
    base = coefficients([
        ("1", "Intercept", -0.5, 0.2, 0.012),
        ("1", "arms_share_russia", 2.5, 0.4, 1e-6),
        ("1", "res_id[A/RES/ES-11/2]", 0.3, 0.2, 0.2),
    ])
    odd = coefficients([
        ("1", "Intercept", 0.1, 0.3, 0.7),
        ("1", "share_%_x", -1.25, 0.5, 0.03),
        ("1", "un_group[EEG]", 1.0, 0.6, 0.09),
    ])
    return {
        "base": (base, fit(510, states=170)),
        "odd": (odd, fit(498, cov_type="nonrobust", converged=False,
                         separated=["share_%_x"], states=166)),
    }


def compile_latex(tmp_path, table: str) -> subprocess.CompletedProcess:
    document = ("\\documentclass{article}\n\\usepackage{booktabs,graphicx}\n"
                f"\\begin{{document}}\n{table}\n\\end{{document}}\n")
    (tmp_path / "table.tex").write_text(document)
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "table.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )


needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex missing")


def test_regression_table_content(fake_models):
    table = regression_table(fake_models, "Main models", "tab:main",
                             column_titles={"base": "Base", "odd": "Odd_one"})
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert rule in table
    assert "Base" in table and r"Odd\_one" in table
    assert escape(label("arms_share_russia")) in table
    assert r"share\_\%\_x" in table and "Intercept" in table
    assert "2.500$^{***}$" in table and "(0.400)" in table
    assert "$-$1.250$^{*}$" in table
    assert "510" in table and "498" in table and "170" in table
    assert "HC1" in table and "nonrobust" in table
    assert "res_id[" not in table and r"res\_id[" not in table and "un_group[" not in table
    assert "Resolution fixed effects & yes & no" in table
    assert "Regional group dummies & no & yes" in table
    assert "Converged & yes & no" in table
    assert "Separation & none & yes (see note)" in table


def test_regression_table_flags_problems_in_the_note(fake_models):
    table = regression_table(fake_models, "Main models", "tab:main")
    note = table.split(r"\bottomrule")[1]
    assert "Did not converge: odd" in note
    assert r"Separation detected in odd (terms: share\_\%\_x)" in note
    assert "HC1" in note and "nonrobust" in note


def test_equation_selects_and_prefixes_multinomial_rows():
    mn = coefficients([
        ("abstain", "Intercept", -1.0, 0.3, 0.001),
        ("abstain", "csto_member", 1.2, 0.4, 0.003),
        ("no", "Intercept", -3.0, 0.5, 1e-8),
        ("no", "csto_member", 2.2, 0.6, 0.0002),
    ])
    models = {"mn": (mn, fit(300, estimator="mnlogit"))}
    only = regression_table(models, "Abstain", "tab:mn", equation="abstain")
    assert "1.200" in only and "2.200" not in only
    both = regression_table(models, "All", "tab:mn2")
    assert f"abstain: {label('csto_member')}" in both and f"no: {label('csto_member')}" in both
    with pytest.raises(DataError, match="equation"):
        regression_table(models, "None", "tab:x", equation="absent")


def test_real_fit_and_lpm_rows(real_fit):
    lpm = coefficients([("1", "Intercept", 0.2, 0.05, 1e-4)])
    table = regression_table({"logit": (real_fit.coefficients, real_fit.fit),
                              "lpm": (lpm, fit(400, estimator="lpm"))}, "Real", "tab:real")
    for term in ("arms_share_russia", "csto_member"):
        assert escape(label(term)) in table
    assert "cluster" in table and "Pseudo $R^2$" in table and "$R^2$ &" in table
    assert f"({real_fit.fit['n_clusters']} clusters)" in table
    assert "Resolution fixed effects & yes & no" in table
    assert "res_id[" not in table


def test_margins_table(real_fit, fake_models):
    table = margins_table({"logit": real_fit.margins}, {"logit": real_fit.fit}, "AME", "tab:ame")
    row = real_fit.margins.set_index("term").loc["arms_share_russia"]
    assert f"{row['estimate']:.3f}" in table
    assert f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]" in table
    assert "cluster" in table and "400" in table and r"95\%" in table
    assert escape(label("csto_member")) in table
    chosen = margins_table({"logit": real_fit.margins}, {"logit": real_fit.fit}, "AME",
                           "tab:ame", terms=["csto_member"])
    assert escape(label("arms_share_russia")) not in chosen
    mn = real_fit.margins.assign(equation="yes")
    with pytest.raises(DataError, match="binary"):
        margins_table({"mn": mn}, {"mn": real_fit.fit}, "AME", "tab:ame")


@needs_latex
def test_tables_compile(tmp_path, fake_models, real_fit):
    many = {f"m{i}": fake_models["odd" if i % 2 else "base"] for i in range(7)}
    odd, odd_fit = fake_models["odd"]
    many["two separated"] = (odd, {**odd_fit, "separation": {
        "detected": True, "terms": ["share_%_x", "Intercept"], "method": "lp"}})
    tables = [
        regression_table(fake_models, "Main 100% _models_ & more", "tab:main"),
        regression_table(many, "Many", "tab:many"),
        margins_table({"a": real_fit.margins, "b": real_fit.margins},
                      {"a": real_fit.fit, "b": real_fit.fit}, "AME", "tab:ame"),
    ]
    assert r"\resizebox{\textwidth}" in tables[1] and r"\resizebox" not in tables[0]
    result = compile_latex(tmp_path, "\n".join(tables))
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.fixture(scope="module")
def separated_files(tmp_path_factory) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, dict]]:
    """A logit where ``csto_member`` = 1 always has the outcome, and the Firth logit of the same
    specification, written to and read back from the files the table rules read."""
    rng = np.random.default_rng(8)
    n = 300
    data = pd.DataFrame({"arms_share_russia": rng.uniform(size=n),
                         "csto_member": (rng.uniform(size=n) < 0.15).astype(float)})
    eta = -1.0 + 2.0 * data["arms_share_russia"]
    data["not_yes"] = (eta + rng.logistic(size=n) > 0).astype(int)
    data.loc[data["csto_member"] == 1, "not_yes"] = 1
    folder = tmp_path_factory.mktemp("models")
    files = {}
    for estimator, cov_type in (("logit", "HC1"), ("firth_logit", "nonrobust")):
        result = fit_model(data, "not_yes", ["arms_share_russia", "csto_member"], estimator,
                           cov_type)
        result.fit["spec"] = {"outcome": "not_yes", "estimator": estimator, "cov_type": cov_type}
        write_table(result.coefficients, folder / f"{estimator}_coefficients.csv")
        write_table(result.margins, folder / f"{estimator}_margins.csv")
        files[estimator] = (pd.read_csv(folder / f"{estimator}_coefficients.csv"),
                            pd.read_csv(folder / f"{estimator}_margins.csv"), result.fit)
    return files


def _row(table: str, text: str) -> list[str]:
    """The table lines of one body row: its first line and the one after it."""
    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(text))
    return lines[start:start + 2]


def test_separated_coefficient_prints_no_number_star_or_error(separated_files):
    logit, _, logit_fit = separated_files["logit"]
    firth, _, firth_fit = separated_files["firth_logit"]
    assert logit.set_index("term").loc["csto_member", "separated"]
    table = regression_table({"ml": (logit, logit_fit), "firth": (firth, firth_fit)},
                             "Separated", "tab:sep", column_titles={"ml": "ML", "firth": "Firth"})
    first, second = _row(table, escape(label("csto_member")))
    ml_cell, firth_cell = first.removesuffix(r" \\").split(" & ")[1:]
    assert ml_cell == "separated"
    ml_error, firth_error = second.removesuffix(r" \\").split(" & ")[1:]
    assert ml_error == "" and firth_error.startswith("(")
    firth_estimate = firth.set_index("term").loc["csto_member", "estimate"]
    assert firth_cell.startswith(f"{firth_estimate:.3f}")
    note = table.split(r"\bottomrule")[1]
    assert "separated: separation, so the maximum-likelihood estimate is not finite" in note
    assert "The Firth logit of the specification in ML is column (2)." in note
    alone = regression_table({"ml": (logit, logit_fit)}, "Alone", "tab:alone")
    assert "Firth logit of the specification" not in alone and "separated" in alone


def test_separated_margin_prints_no_interval(separated_files):
    _, margins, fit_ = separated_files["logit"]
    assert margins.set_index("term")["separated"].to_dict() == {
        "arms_share_russia": False, "csto_member": True}
    table = margins_table({"ml": margins}, {"ml": fit_}, "AME", "tab:ame")
    first, second = _row(table, escape(label("csto_member")))
    assert first.endswith(r"& separated \\") and second == r"\midrule"
    kept = margins.set_index("term").loc["arms_share_russia"]
    assert f"[{kept['ci_low']:.3f}, {kept['ci_high']:.3f}]" in table
    assert "no standard error, test or interval exists" in table


def test_estimate_without_finite_error_gets_no_star_or_parentheses():
    rows = coefficients([("1", "Intercept", 306.2, np.nan, np.nan),
                         ("1", "csto_member", 1.2, 0.4, 0.003)])
    table = regression_table({"mn": (rows, fit(100))}, "No error", "tab:noerr")
    first, second = _row(table, "Intercept")
    assert first == r"Intercept & 306.200 \\" and second == r" &  \\"
    assert "()" not in table and "1.200$^{**}$" in table


@needs_latex
def test_separated_tables_compile(tmp_path, separated_files):
    models = {name: (coefs, fit_) for name, (coefs, _, fit_) in separated_files.items()}
    margins = {name: frame for name, (_, frame, _) in separated_files.items()}
    fits = {name: fit_ for name, (_, _, fit_) in separated_files.items()}
    tables = [regression_table(models, "Separated", "tab:sep"),
              margins_table(margins, fits, "AME", "tab:ame")]
    result = compile_latex(tmp_path, "\n".join(tables))
    assert result.returncode == 0, result.stdout[-3000:]


def test_codebook_table_escapes_text_and_formats_numbers():
    codebook = pd.DataFrame({
        "variable": ["gdp_pc_log", "un_group"],
        "definition": ["log GDP per capita in current US$", "50% & more_{x}"],
        "source": ["World Bank WDI", "UN"], "year": ["2021", "current"],
        "unit": ["log US$", "category"], "n_nonmissing": [187, 193],
        "min": [5.4321, np.nan], "median": [8.9, np.nan], "max": [-11.25, np.nan],
    })
    latex = codebook_table(codebook, "Codebook & more", "tab:codebook")
    assert r"\toprule" in latex and r"\bottomrule" in latex
    assert r"\caption{Codebook \& more}\label{tab:codebook}" in latex
    assert r"gdp\_pc\_log" in latex and r"current US\$" in latex
    assert r"50\% \& more\_\{x\}" in latex
    assert "5.43 & 8.9 & $-$11.2" in latex
