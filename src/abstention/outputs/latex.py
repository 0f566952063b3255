"""Booktabs LaTeX tables built from the per-model outputs the workflow writes (``coefficients``,
``margins`` and ``fit``), so the paper's tables never need a live model object.

Every table prints each model's covariance type and says in its note which models did not converge
or show separation: a reader must never have to trust an estimate the table does not qualify.
"""

from __future__ import annotations

import math

import pandas as pd

from abstention.errors import DataError
from abstention.labels import DUMMY
from abstention.labels import label as readable
from abstention.models.common import MIN_TREATED_CLUSTERS

STARS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))
FIXED_EFFECT_ROWS = {"res_id": "Resolution fixed effects", "un_group": "Regional group dummies"}
# Each covariance type as tables name it, and what the name means in a table's note.
COVARIANCES = {
    "nonrobust": ("model-based", "inverse of the information matrix"),
    "HC1": ("robust (HC1)", "heteroskedasticity-robust sandwich with small-sample factor n/(n-k)"),
    "cluster": ("clustered", "sandwich clustered by state"),
}
SMALLEST_P = 0.001
SEPARATED_CELL = "separated"
_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def escape(text: object) -> str:
    """Labels and titles come from data and config, where LaTeX syntax is not expected."""
    return "".join(_SPECIAL.get(char, char) for char in str(text))


def number(value: float | None, digits: int = 3, significant: bool = False) -> str:
    """The one LaTeX form of a number in tables and text: `digits` decimals (or significant
    digits), a typeset minus sign, empty when missing."""
    if value is None or pd.isna(value):
        return ""
    if math.isinf(value):
        return r"$\infty$" if value > 0 else r"$-\infty$"
    text = f"{value:.{digits}{'g' if significant else 'f'}}"
    return f"$-${text[1:]}" if text.startswith("-") else text


def p_cell(value: float | None) -> str:
    """The one form of a p-value in tables: three decimals, '<0.001' below that."""
    if value is None or pd.isna(value):
        return ""
    return f"$<${SMALLEST_P}" if value < SMALLEST_P else f"{value:.3f}"


def covariance_name(kind: str) -> str:
    return COVARIANCES[kind][0] if kind in COVARIANCES else kind


def covariance_notes(fits: list[dict]) -> list[str]:
    """One note per covariance type shown, in order, naming the clusters where there are any."""
    clusters = sorted({fit["n_clusters"] for fit in fits if fit.get("n_clusters")})
    notes = []
    for kind in dict.fromkeys(fit["cov_type"] for fit in fits):
        name, meaning = COVARIANCES.get(kind, (kind, "as the estimator reports it"))
        if kind == "cluster" and clusters:
            meaning += f" ({', '.join(map(str, clusters))} clusters)"
        notes.append(f"{name} = {meaning}")
    return notes


def fit_to_width(tabular: list[str]) -> list[str]:
    """Shrink a tabular wider than the text to the text width and leave a narrower one as it is,
    so tables share one type size unless one would not fit."""
    return [r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%", *tabular, "}"]


def _stars(p: float) -> str:
    if p is None or pd.isna(p):
        return ""
    mark = next((stars for cut, stars in STARS if p < cut), "")
    return f"$^{{{mark}}}$" if mark else ""


def _separated(row: pd.Series) -> bool:
    return bool(row.get("separated", False))


def _cells(row: pd.Series, interval: bool) -> list[str]:
    """A separated estimate is not a number, so the cell says so and shows nothing else; an
    estimate without a finite standard error gets neither parentheses nor a star."""
    if _separated(row):
        return [SEPARATED_CELL]
    inference = pd.notna(row["std_error"]) and math.isfinite(row["std_error"])
    lines = [number(row["estimate"]) + (_stars(row["p"]) if inference else "")]
    lines.append(f"({number(row['std_error'])})" if inference else "")
    if interval and inference:
        lines.append(f"[{number(row['ci_low'])}, {number(row['ci_high'])}]")
    return lines


def _separation_note(titles: list[str], fits: list[dict], tables: list[pd.DataFrame]) -> list[str]:
    """What a "separated" cell means, and where the Firth fit of the same specification sits."""
    shown = [bool(table.get("separated", pd.Series(False)).any()) for table in tables]
    if not any(shown):
        return []
    sentences = [f"{SEPARATED_CELL}: separation, so the maximum-likelihood estimate is not finite "
                 "and no standard error, test or interval exists."]
    for title, fit, separated in zip(titles, fits, shown, strict=True):
        if not separated:
            continue
        firth = [f"({i})" for i, other in enumerate(fits, start=1)
                 if other.get("estimator") == "firth_logit" and _same_spec(fit, other)]
        if firth:
            sentences.append(f"The Firth logit of the specification in {title} is column "
                             f"{', '.join(firth)}.")
    return sentences


def few_clusters_note(fits: list[dict]) -> list[str]:
    """Why a term has an estimate but no standard error, test or interval: too few states
    carry it on each side of the outcome for a standard error clustered by state."""
    counts = {}
    for fit in fits:
        for term in fit.get("few_clusters", []):
            counts[term] = min(counts.get(term, math.inf), fit["informative_clusters"][term])
    if not counts:
        return []
    listed = "; ".join(f"{readable(term)} ({int(count)})" for term, count in sorted(counts.items()))
    return [f"{escape(listed)}: fewer than {MIN_TREATED_CLUSTERS} informative states (states "
            "holding the term, counted on each side of the outcome; the fewest across the models "
            "shown in brackets), so no Wald standard error describes the estimate's variation; "
            "the estimate is shown without inference."]


def _same_spec(fit: dict, other: dict) -> bool:
    """Same specification apart from the estimator and its covariance."""
    ignored = ("estimator", "cov_type")
    first, second = fit.get("spec"), other.get("spec")
    if first is None or second is None:
        return False
    return ({k: v for k, v in first.items() if k not in ignored}
            == {k: v for k, v in second.items() if k not in ignored})


def _dummy_source(term: str) -> str | None:
    match = DUMMY.match(term)
    return match["name"] if match else None


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _titles(names: list[str], column_titles: dict[str, str] | None) -> list[str]:
    return [escape((column_titles or {}).get(name, name)) for name in names]


def _covariance_row(fits: list[dict]) -> tuple[list[str], list[str]]:
    return [escape(covariance_name(fit["cov_type"])) for fit in fits], covariance_notes(fits)


def _diagnostics(titles: list[str], fits: list[dict]) -> list[str]:
    """Note sentences for models whose estimates need a caveat."""
    sentences = []
    failed = [title for title, fit in zip(titles, fits, strict=True) if not fit["converged"]]
    if failed:
        sentences.append(f"Did not converge: {', '.join(failed)}; estimates shown are those at "
                         "the last iteration, without standard errors or stars.")
    for title, fit in zip(titles, fits, strict=True):
        separation = fit.get("separation") or {}
        if separation.get("detected"):
            terms = ", ".join(escape(readable(t)) for t in separation.get("terms", [])) or "unnamed"
            remedy = ("penalised (Firth) estimates remain finite"
                      if fit.get("estimator") == "firth_logit"
                      else "maximum-likelihood estimates of these terms are not finite")
            sentences.append(f"Separation detected in {title} (terms: {terms}); {remedy}.")
    return sentences


def _render(caption: str, label_key: str, titles: list[str], body: list[list[str]],
            bottom: list[list[str]], note: list[str]) -> str:
    """One booktabs table; a body row whose cells hold several lines spans several table rows."""
    columns = len(titles)
    lines = [r"\begin{table}[tbp]", r"\centering", r"\small",
             f"\\caption{{{escape(caption)}}}", f"\\label{{{label_key}}}"]
    tabular = [f"\\begin{{tabular}}{{l{' c' * columns}}}", r"\toprule",
               " & " + " & ".join(titles) + r" \\",
               " & " + " & ".join(f"({i})" for i in range(1, columns + 1)) + r" \\",
               r"\midrule"]
    for row in body:
        name, cells = row[0], row[1:]
        depth = max(len(cell) for cell in cells)
        for k in range(depth):
            first = name if k == 0 else ""
            tabular.append(" & ".join([first, *(c[k] if k < len(c) else "" for c in cells)])
                           + r" \\")
    tabular.append(r"\midrule")
    tabular += [" & ".join(row) + r" \\" for row in bottom]
    tabular += [r"\bottomrule", r"\end{tabular}"]
    lines += fit_to_width(tabular)
    lines += [r"\par\smallskip", r"\parbox{\linewidth}{\footnotesize\raggedright",
              "Note: " + " ".join(note), "}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _star_note() -> str:
    marks = ", ".join(f"$^{{{stars}}}$ p $<$ {str(cut).lstrip('0')}" for cut, stars in STARS[::-1])
    return f"{marks}."


def regression_table(models: dict[str, tuple[pd.DataFrame, dict]], caption: str, label: str,
                     column_titles: dict[str, str] | None = None,
                     equation: str | None = None) -> str:
    """Coefficients with standard errors, one column per model. Fixed-effect dummies are summarised
    as yes/no rows; ``equation`` picks one equation of multi-equation models, otherwise rows of
    several equations are told apart by an equation prefix."""
    if not models:
        raise DataError(None, "models", "at least one model", "none")
    names = list(models)
    titles = _titles(names, column_titles)
    fits = [fit for _, fit in models.values()]
    tables = []
    for name, (coefficients, _) in models.items():
        shown = coefficients
        if equation is not None:
            shown = coefficients[coefficients["equation"].astype(str) == equation]
            if shown.empty:
                raise DataError(f"model {name}", "equation", "an equation of the model",
                                equation)
        if not models[name][1]["converged"]:
            # The last iterate of a fit that did not converge has no valid standard error.
            shown = shown.assign(std_error=math.nan, p=math.nan)
        tables.append(shown.assign(equation=shown["equation"].astype(str)))
    stacked = pd.concat(tables)
    prefix = equation is None and stacked["equation"].nunique() > 1
    sources = [{_dummy_source(t) for t in table["term"]} - {None} for table in tables]
    keys = list(dict.fromkeys(
        (eq, term) for eq, term in zip(stacked["equation"], stacked["term"], strict=True)
        if _dummy_source(term) is None))
    body = []
    for eq, term in keys:
        text = escape(readable(term))
        cells = []
        for table in tables:
            match = table[(table["equation"] == eq) & (table["term"] == term)]
            cells.append(_cells(match.iloc[0], interval=False) if len(match) else [""])
        body.append([f"{escape(eq)}: {text}" if prefix else text, *cells])

    extra = sorted(set().union(*sources) - set(FIXED_EFFECT_ROWS))
    fixed_rows = {**FIXED_EFFECT_ROWS,
                  **{name: f"{escape(readable(name))} fixed effects" for name in extra}}
    bottom = [[title, *(_yes(source in used) for used in sources)]
              for source, title in fixed_rows.items()]
    bottom.append(["N", *(str(fit["n"]) for fit in fits)])
    if any(fit.get("states") is not None for fit in fits):
        bottom.append(["States", *(str(fit.get("states", "")) for fit in fits)])
    bottom.append(["Log-likelihood", *(number(fit.get("log_likelihood"), 2) for fit in fits)])
    if any(fit.get("pseudo_r2") is not None for fit in fits):
        bottom.append(["Pseudo $R^2$", *(number(fit.get("pseudo_r2")) for fit in fits)])
    if any(fit.get("r2") is not None for fit in fits):
        bottom.append(["$R^2$", *(number(fit.get("r2")) for fit in fits)])
    bottom.append(["AIC", *(number(fit.get("aic"), 2) for fit in fits)])
    covariance, meanings = _covariance_row(fits)
    bottom.append(["Covariance", *covariance])
    bottom.append(["Converged", *(_yes(fit["converged"]) for fit in fits)])
    bottom.append(["Separation", *(_separation_cell(fit) for fit in fits)])

    note = [f"Estimates with standard errors in parentheses; {_star_note()}",
            f"Covariance: {escape('; '.join(meanings))}."]
    if any(fit.get("estimator") == "firth_logit" and fit.get("inference") != "Wald"
           for fit in fits):
        note.append("Firth models: p-values from penalised likelihood-ratio tests.")
    note += _separation_note(titles, fits, tables)
    note += few_clusters_note(fits)
    if any(sources):
        note.append("Fixed-effect and group dummies are estimated but not shown.")
    note += _diagnostics(titles, fits)
    return _render(caption, label, titles, body, bottom, note)


def _separation_cell(fit: dict) -> str:
    separation = fit.get("separation") or {}
    return "yes (see note)" if separation.get("detected") else "none"


def margins_table(margins: dict[str, pd.DataFrame], fits: dict[str, dict], caption: str,
                  label: str, terms: list[str] | None = None,
                  column_titles: dict[str, str] | None = None) -> str:
    """Average marginal effects on the probability of the outcome in binary models, with standard
    errors and 95 % intervals, one column per model."""
    if not margins:
        raise DataError(None, "margins", "at least one model", "none")
    names = list(margins)
    missing = [name for name in names if name not in fits]
    if missing:
        raise DataError(None, "fits", "a fit for every model with margins", missing)
    tables = []
    for name in names:
        binary = margins[name][margins[name]["equation"].astype(str) == "1"]
        if binary.empty:
            raise DataError(f"model {name}", "margins", "binary-model margins (equation '1')",
                            sorted(margins[name]["equation"].astype(str).unique()))
        tables.append(binary)
    order = terms if terms is not None else list(dict.fromkeys(
        pd.concat(tables)["term"]))
    body = []
    for term in order:
        cells = []
        for table in tables:
            match = table[table["term"] == term]
            cells.append(_cells(match.iloc[0], interval=True) if len(match) else [""])
        body.append([escape(readable(term)), *cells])
    chosen = [fits[name] for name in names]
    covariance, meanings = _covariance_row(chosen)
    bottom = [["N", *(str(fit["n"]) for fit in chosen)], ["Covariance", *covariance]]
    titles = _titles(names, column_titles)
    note = ["Average marginal effects on the probability of the outcome (average change from 0 "
            "to 1 for binary terms, average derivative otherwise); delta-method standard errors "
            f"in parentheses, 95\\% intervals in brackets; {_star_note()}",
            f"Covariance: {escape('; '.join(meanings))}."]
    note += _separation_note(titles, chosen, tables)
    note += few_clusters_note(chosen)
    note += _diagnostics(titles, chosen)
    return _render(caption, label, titles, body, bottom, note)


TALLY_STATUS = {
    "ok": "list counts equal the official counts",
    "official_unreadable": "official count not a number in the source",
    "mismatch": "list counts differ from the official counts",
    "listed_twice": "a state listed twice (counted once)",
}


def tally_summary_table(tally: pd.DataFrame, caption: str, label: str) -> str:
    """How many recorded votes pass the tally check, by body and outcome, with every reviewed
    difference named: the appendix's account of the source problems."""
    counts = tally.groupby(["status", "body"]).size().unstack(fill_value=0)
    bodies = list(counts.columns)
    lines = [r"\begin{table}[tbp]", r"\centering", r"\small", f"\\caption{{{escape(caption)}}}",
             f"\\label{{{label}}}", f"\\begin{{tabular}}{{l{' r' * len(bodies)}}}", r"\toprule",
             "Check & " + " & ".join(escape(b) for b in bodies) + r" \\", r"\midrule"]
    for status in [s for s in TALLY_STATUS if s in counts.index]:
        cells = " & ".join(str(int(counts.loc[status, b])) for b in bodies)
        lines.append(f"{escape(TALLY_STATUS[status])} & {cells} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\par\smallskip",
              r"\parbox{\linewidth}{\footnotesize\raggedright Note: reviewed differences: "]
    named = tally[tally["status"].isin(["mismatch", "listed_twice"])]
    lines.append("; ".join(f"{escape(r.res_id)} ({escape(r.reason)})"
                           for r in named.itertuples()) + ".}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"
