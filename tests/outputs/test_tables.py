"""LaTeX tables: content, flags that must never be silent, escaping, and that pdflatex compiles
them."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from abstention.errors import DataError
from abstention.labels import label, short_symbol
from abstention.models.common import MDE_FACTOR, TABLE_COLUMNS
from abstention.models.fit import fit_model
from abstention.outputs.exhibit_tables import (
    codebook_table,
    effects_table,
    heterogeneity_table,
    hypotheses_table,
    synthetic_table,
    within_table,
)
from abstention.outputs.latex import escape, margins_table, p_cell, regression_table
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
    # "odd" did not converge: its last iterate is shown without standard errors or stars.
    assert "$-$1.250" in table and "$-$1.250$^{*}$" not in table and "(0.500)" not in table
    assert "without standard errors or stars" in table
    assert "510" in table and "498" in table and "170" in table
    assert "Covariance & robust (HC1) & model-based" in table and "nonrobust" not in table
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
    assert "robust (HC1) = heteroskedasticity-robust sandwich" in note
    assert "model-based = inverse of the information matrix" in note


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
    result = compile_latex(tmp_path, "\n".join(tables))
    assert result.returncode == 0, result.stdout[-3000:]


def tabular_width(tmp_path, table: str) -> tuple[float, float]:
    """The width in pt of a table's tabular as set (after any resizing) and the text width."""
    closing = "\\end{tabular}\n}"
    start = table.index("\\resizebox")
    boxed = table[start:table.index(closing) + len(closing)]
    body = ("\\newsavebox{\\probe}\\sbox{\\probe}{" + boxed + "}"
            "\\typeout{PROBE=\\the\\wd\\probe;TEXT=\\the\\textwidth;}")
    result = compile_latex(tmp_path, body)
    assert result.returncode == 0, result.stdout[-3000:]
    width, text = re.search(r"PROBE=([\d.]+)pt;TEXT=([\d.]+)pt;", result.stdout).groups()
    return float(width), float(text)


@needs_latex
def test_only_tables_wider_than_the_text_are_shrunk(tmp_path, fake_models):
    narrow = regression_table({"base": fake_models["base"]}, "Narrow", "tab:narrow")
    width, text = tabular_width(tmp_path, narrow)
    assert width < text - 50
    titles = {name: f"A column title long enough to make three columns too wide {name}"
              for name in ("a", "b", "c")}
    wide = regression_table({name: fake_models["base"] for name in titles}, "Wide", "tab:wide",
                            column_titles=titles)
    width, text = tabular_width(tmp_path, wide)
    assert abs(width - text) < 0.5


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


def test_dummy_terms_read_as_their_group_and_level(fake_models):
    assert label("un_group[Western European and Others]") == (
        "UN regional group: Western European and Others")
    base, base_fit = fake_models["base"]
    separated = {**base_fit, "separation": {
        "detected": True, "terms": ["un_group[Western European and Others]"], "method": "lp"}}
    note = regression_table({"m": (base, separated)}, "T", "tab:t").split(r"\bottomrule")[1]
    assert "terms: UN regional group: Western European and Others" in note
    assert "un_group" not in note and r"un\_group" not in note


def test_every_source_writes_the_same_short_symbol():
    assert short_symbol("R/73/194") == short_symbol("A/RES/73/194") == "73/194"
    assert short_symbol("A/RES/ES-11/1") == "ES-11/1"
    effects = pd.DataFrame({
        "symbol": ["A/RES/72/190", "R/73/194"], "date": ["2017-12-19", "2018-12-17"],
        "term": "security_dependence", "status": "ok", "separated": False, "few_clusters": False,
        "estimate": [0.2, 0.3], "ci_low": [0.1, 0.2], "ci_high": [0.3, 0.4], "n": [185, 185]})
    table = heterogeneity_table(effects, "Per text", "tab:het")
    assert "\n72/190 & " in table and "\n73/194 & " in table and "R/" not in table


def test_p_values_have_one_form():
    assert p_cell(0.0004) == "$<$0.001" and p_cell(0.00101) == "0.001"
    assert p_cell(0.2361) == "0.236" and p_cell(np.nan) == ""


def _hypothesis(hypothesis, model, quantity, label_, primary, p=0.0004):
    return {"hypothesis": hypothesis, "model": model, "quantity": quantity, "label": label_,
            "estimate": 0.4, "ci_low": 0.2, "ci_high": 0.6, "p": p, "n": 1536, "n_states": 150,
            "method": "bootstrap", "primary": primary}


def test_hypotheses_table_gives_each_row_its_own_model_and_no_p_for_base_rates():
    rows = pd.DataFrame([
        _hypothesis("H2", "h2_cosponsor", "relative_ame_difference", "difference", True, 0.236),
        _hypothesis("H2", "h2_cosponsor", "ame_h2_cosponsor", "AME on co", False),
        _hypothesis("H2", "h2_cosponsor", "base_h2_vote", "base rate of vote", False, 0.001),
        _hypothesis("H2", "h2_cosponsor", "ame_h2_vote", "AME on vote", False, 0.00101),
    ])
    checks = pd.DataFrame([_hypothesis("period", "pooled", "ame_difference", "period", True)])
    fits = {"h2_cosponsor": {"n": 1536, "states": 150}, "h2_vote": {"n": 3226, "states": 190},
            "pooled": {"n": 1704, "states": 190}}
    table = hypotheses_table(rows, checks, "Hypotheses", "tab:h", fits)
    lines = {line.split(" & ")[1]: line for line in table.splitlines() if " & " in line}
    assert lines["difference"].endswith(r"& 0.236 & 1536 (150); 3226 (190) \\")
    assert lines[r"\quad AME on co"].endswith(r"& $<$0.001 & 1536 (150) \\")
    assert lines[r"\quad base rate of vote"].endswith(r"&  & 3226 (190) \\")
    assert lines[r"\quad AME on vote"].endswith(r"& 0.001 & 3226 (190) \\")
    assert "at least as large in absolute value" in table
    with pytest.raises(DataError, match="pooled"):
        hypotheses_table(rows, checks, "Hypotheses", "tab:h",
                         {k: v for k, v in fits.items() if k != "pooled"})


def test_effects_table_names_covariances_and_marks_separation_without_quotes(real_fit):
    margins = real_fit.margins.assign(separated=[True] + [False] * (len(real_fit.margins) - 1))
    fits = {"a": {**real_fit.fit, "states": 80}, "b": {**real_fit.fit, "cov_type": "nonrobust",
                                                      "states": 80}}
    table = effects_table({"a": margins, "b": real_fit.margins}, fits,
                          ["arms_share_russia", "csto_member"], "Effects", "tab:e",
                          {"a": "A", "b": "B"})
    assert "& clustered & " in table and "& model-based & " in table
    assert "clustered = sandwich clustered by state" in table
    assert "model-based = inverse of the information matrix" in table
    assert r"\emph{separated}" in table and "'separated'" not in table


def synthetic_summary(multiple: float | None = 5.0) -> pd.DataFrame:
    """The per-window summary `models.synthetic` writes, as read back from its CSV."""
    windows = [("pre", "2006-01-01", "2015-09-29", None, np.nan, None),
               ("during", "2015-09-30", "2024-12-07", "gap_vs_pre", 0.187, 11),
               ("after", "2024-12-08", "2026-06-04", "gap_vs_pre", 0.201, 14),
               ("post", "2015-09-30", "2026-06-04", "rmspe_ratio", 2.305, 108)]
    return pd.DataFrame({
        "window": [w[0] for w in windows], "start": pd.to_datetime([w[1] for w in windows]),
        "end": pd.to_datetime([w[2] for w in windows]), "time_units": [10, 10, 3, 13],
        "texts": [65, 235, 43, 278], "israel": [0.554, 0.613, 0.651, 0.619],
        "synthetic": [0.515, 0.387, 0.411, 0.391], "donor_mean": [0.389, 0.292, 0.293, 0.292],
        "gap": [0.039, 0.226, 0.240, 0.228], "gap_vs_pre": [0.0, 0.187, 0.201, 0.189],
        "statistic": [w[3] for w in windows], "value": [w[4] for w in windows],
        "rank": pd.array([w[5] for w in windows], dtype="Int64"),
        "units": pd.array([None, 137, 137, 137], dtype="Int64"),
        "p": [np.nan, 11 / 137, 14 / 137, 108 / 137], "donors": 136, "pre_rmspe": 0.1125,
        "rmspe_ratio": 2.305, "max_pre_mspe_multiple": multiple, "max_pre_rmspe": 0.2516,
        "unit_weights": "texts"})


def test_synthetic_table_gives_each_window_its_rank_and_the_ratio_in_the_note():
    table = synthetic_table(synthetic_summary(), "Israel against synthetic Israel",
                            "tab:israel_synthetic")
    rows = [line for line in table.splitlines() if line.endswith(r"\\")][1:]
    assert rows[0].startswith("Before the intervention & 1 Jan 2006 to 29 Sep 2015 & 10 & 65")
    assert rows[0].endswith("&  &  &  \\\\")
    assert "& 0.19 & 11 of 137 & 0.080" in rows[1]
    assert "After Assad's fall & 8 Dec 2024 to 4 Jun 2026 & 3 & 43" in rows[2]
    assert "136 donor states" in table and "RMSPE 0.113" in table
    assert "at most 5 times Israel's" in table
    assert "2.31, rank 108 of 137 (p = 0.788)" in table
    assert "every placebo" in synthetic_table(synthetic_summary(None), "c", "tab:c")


def test_a_synthetic_summary_without_a_window_is_refused():
    with pytest.raises(DataError, match="after"):
        synthetic_table(synthetic_summary().query("window != 'after'"), "c", "tab:c")


@needs_latex
def test_synthetic_table_compiles(tmp_path):
    table = synthetic_table(synthetic_summary(), "Israel", "tab:israel_synthetic")
    result = compile_latex(tmp_path, table)
    assert result.returncode == 0, result.stdout[-3000:]


def within_effects_rows(**change) -> pd.DataFrame:
    """Two patrons' within-state rows as results/models/within.csv holds them."""
    base = {"tie": "security_dependence", "estimate": 0.02, "ci_low": -0.01, "ci_high": 0.05,
            "p_wild": 0.4, "p_ri": np.nan, "mde": 0.06, "n": 359863, "n_states": 193,
            "n_texts": 1882, "n_opposed_texts": 343, "lag_years": 1, "period_years": 5}
    rows = [{**base, "patron": patron, "design": design, "outcome": outcome,
             "n_treated": treated}
            for patron, treated in (("RUS", 43), ("USA", 4))
            for design in ("period_effects", "switches")
            for outcome in ("not_yes", "not_cosponsor_joined")]
    rows += [{**base, "patron": patron, "design": "switches", "n_treated": treated,
              "outcome": "not_cosponsor_joined_vs_not_yes"}
             for patron, treated in (("RUS", 22), ("USA", 4))]
    return pd.DataFrame(rows).assign(**change)


def test_within_table_says_what_was_fitted_from_the_fits_own_settings():
    text = within_table(within_effects_rows(period_years=4), "Within", "tab:within")
    assert "lagged one year" in text and "state-by-period (4 years)" in text
    assert f"({MDE_FACTOR:.1f} state-clustered" in text and "(2.8 state-clustered" in text
    assert "United States" in text and "Russia" in text
    assert text.count(r"$^\dagger$") == 5          # the US rows rest on 4 states
    assert "relative: not co-sponsoring, yes voters minus not voting yes" in text


def test_within_table_refuses_fits_with_different_settings():
    rows = within_effects_rows()
    rows.loc[0, "lag_years"] = 2
    with pytest.raises(DataError, match="lag_years"):
        within_table(rows, "Within", "tab:within")
