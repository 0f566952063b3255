"""Booktabs tables of the derived results (hypotheses, robustness effects, per-text estimates,
sensitivity, the Israel case): one row per quantity, never a number without its interval."""

from __future__ import annotations

import re

import pandas as pd

from abstention.errors import DataError
from abstention.labels import label as readable
from abstention.labels import short_symbol
from abstention.models.common import MDE_FACTOR, MIN_TREATED_CLUSTERS
from abstention.outputs.latex import (
    covariance_name,
    covariance_notes,
    escape,
    few_clusters_note,
    fit_to_width,
    number,
    p_cell,
)
from abstention.panel.within_settings import patron_name

# A hypothesis row whose quantity names a model ("base_h2_vote") comes from that model.
WITHIN_MODEL = "within_"
MODEL_QUANTITY = re.compile(r"^(?:relative_ame|ame|base)_(?P<model>.+)$")


def _interval(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"[{number(low)}, {number(high)}]"


def _table(caption: str, label: str, header: list[str], rows: list[list[str]], note: str,
           align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    lines = [r"\begin{table}[tbp]", r"\centering", r"\small", f"\\caption{{{escape(caption)}}}",
             f"\\label{{{label}}}"]
    tabular = [f"\\begin{{tabular}}{{{align}}}", r"\toprule", " & ".join(header) + r" \\",
               r"\midrule", *(" & ".join(row) + r" \\" for row in rows), r"\bottomrule",
               r"\end{tabular}"]
    lines += fit_to_width(tabular)
    lines += [r"\par\smallskip",
              r"\parbox{\linewidth}{\footnotesize\raggedright Note: " + note + "}",
              r"\end{table}"]
    return "\n".join(lines) + "\n"


def _source_model(row, fits: dict[str, dict]) -> str:
    """The model a row's number comes from: the one its quantity names, else its hypothesis's."""
    named = MODEL_QUANTITY.match(row.quantity)
    return named["model"] if named and named["model"] in fits else row.model


def _sample(models: list[str], fits: dict[str, dict]) -> str:
    """'N (states)' of each model a row uses."""
    missing = [model for model in models if model not in fits]
    if missing:
        raise DataError("config tables.registry.hypotheses", "models",
                        "every model the hypotheses come from", missing)
    return "; ".join(f"{fits[m]['n']} ({fits[m]['states']})" for m in models)


def hypotheses_table(hypotheses: pd.DataFrame, checks: pd.DataFrame, caption: str, label: str,
                     fits: dict[str, dict], randomisation: pd.DataFrame | None = None) -> str:
    """`fits` holds every model the rows come from, so each row shows its own model's N;
    `randomisation` (rows shaped like the hypotheses table's) goes after its hypothesis."""
    if randomisation is not None:
        parts = [hypotheses[hypotheses["hypothesis"] <= "H1"],
                 randomisation.reindex(columns=hypotheses.columns),
                 hypotheses[hypotheses["hypothesis"] > "H1"]]
        hypotheses = pd.concat(parts, ignore_index=True)
    rows = []
    for frame in (hypotheses, checks):
        frame = (frame.assign(component=~frame["primary"].astype(bool))
                 .sort_values(["hypothesis", "component"], kind="stable"))
        for row in frame.itertuples():
            if row.primary:
                same = frame[frame["hypothesis"] == row.hypothesis].itertuples()
                models = list(dict.fromkeys(_source_model(r, fits) for r in same))
                first, text = escape(row.hypothesis), escape(row.label)
            else:
                models = [_source_model(row, fits)]
                first, text = "", r"\quad " + escape(row.label)
            p = "" if row.quantity.startswith("base_") else p_cell(row.p)
            # A within-state row carries its own sample; every other row names its models.
            sample = (f"{int(row.n)} ({int(row.n_states)})"
                      if str(row.model).startswith(WITHIN_MODEL) else _sample(models, fits))
            rows.append([first, text, number(row.estimate), _interval(row.ci_low, row.ci_high),
                         p, sample])
    note = ("Primary quantities first, their components indented. H1's AME: delta-method "
            "interval and p-value under state-clustered covariance, pooled over the imputations "
            "by Rubin's rules, primary only where the tie has at least "
            f"{MIN_TREATED_CLUSTERS} informative states (otherwise shown without inference, and "
            "the bootstrap row is primary); every other row: percentile interval and two-sided "
            "p-value of a "
            "state-clustered bootstrap across the imputations (no p-value for a base rate; a "
            "bootstrap p-value is at least 2/(B+1) for B replicates with a fit); the "
            "randomisation row: two-sided p-value, the share of AMEs with the tie permuted "
            "across states within UN regional group, the model refitted on each draw, that are "
            "at least as large in absolute value as the observed one, the observed one counted "
            "(no interval). N: state-votes (states) of the model each row comes from; a primary "
            "row that compares two models gives both. H1w, H2w and H4: the within-state "
            "design's main fits (Table~\\ref{tab:within}), p-value and interval of the "
            "restricted wild cluster bootstrap by state (H2w's relative difference: both fits "
            "on one set of wild draws). The period row is not a hypothesis: it "
            f"tests whether the {readable('separate_period')} can be pooled with the texts of "
            "2022-2023.")
    return _table(caption, label, ["", "Quantity", "Estimate", "95\\% interval", "p",
                                   "N (states)"], rows, note, "llrrrl")


def effects_table(margins: dict[str, pd.DataFrame], fits: dict[str, dict], terms: list[str],
                  caption: str, label: str, titles: dict[str, str]) -> str:
    rows = []
    for name, table in margins.items():
        binary = table[table["equation"].astype(str) == "1"].set_index("term")
        for term in [t for t in terms if t in binary.index]:
            row = binary.loc[term]
            fit = fits[name]
            if bool(row.get("separated", False)):
                cells = ["separated", "", ""]
            else:
                cells = [number(row["estimate"]), _interval(row["ci_low"], row["ci_high"]),
                         p_cell(row["p"])]
            rows.append([escape(titles.get(name, name)), escape(readable(term)), *cells,
                         str(fit["n"]), str(fit["states"]),
                         escape(covariance_name(fit["cov_type"])),
                         escape(fit.get("missing", "complete"))])
    note = ("Average marginal effect on the probability of not voting yes (average change from "
            "0 to 1 for binary measures, average derivative otherwise), delta-method 95\\% "
            "interval and p-value; imputed models pooled over the imputations by Rubin's rules. "
            "Covariance: " + escape("; ".join(covariance_notes(list(fits.values())))) + ". "
            "\\emph{separated}: the maximum-likelihood estimate does not exist, no interval or "
            "test is shown; see the Firth row." + "".join(
                " " + sentence for sentence in few_clusters_note(list(fits.values()))))
    header = ["Model", "Tie measure", "AME", "95\\% interval", "p", "N", "States", "Covariance",
              "Missing data"]
    return _table(caption, label, header, rows, note, "llrrrrrll")


def heterogeneity_table(effects: pd.DataFrame, caption: str, label: str) -> str:
    terms = list(dict.fromkeys(effects["term"]))
    rows = []
    for symbol, group in effects.groupby("symbol", sort=False):
        first = group.iloc[0]
        cells = [escape(short_symbol(symbol)), str(first["date"])[:10]]
        for term in terms:
            row = group[group["term"] == term].iloc[0]
            if row["status"] != "ok":
                cells += ["not estimable", ""]
            elif bool(row["separated"]) if pd.notna(row["separated"]) else False:
                cells += ["separated", ""]
            elif bool(row["few_clusters"]) if pd.notna(row["few_clusters"]) else False:
                cells += [number(row["estimate"]), "few states"]
            else:
                cells += [number(row["estimate"]), _interval(row["ci_low"], row["ci_high"])]
        cells.append("" if pd.isna(first["n"]) else str(int(first["n"])))
        rows.append(cells)
    header = ["Text", "Date"]
    for term in terms:
        header += [escape(readable(term)), "95\\% interval"]
    note = ("Average marginal effects on not voting yes from a Firth logit of each text alone "
            "(the main model's confounders, regional-group dummies) on complete cases; Wald "
            "intervals from the penalised fit's covariance. N: states. \\emph{few states}: fewer "
            f"than {MIN_TREATED_CLUSTERS} states with the term on one side of the outcome, so "
            "no interval is shown.")
    return _table(caption, label, [*header, "N"], rows, note, "ll" + "rr" * len(terms) + "r")


def sensitivity_table(sensitivity: pd.DataFrame, caption: str, label: str) -> str:
    first = sensitivity.iloc[0]
    rows = [[escape(readable(r.benchmark)), f"{r.kd:g}x", number(r.r2dz_x),
             number(r.r2yz_dx), number(r.adjusted_estimate),
             _interval(r.adjusted_ci_low, r.adjusted_ci_high)]
            for r in sensitivity.itertuples()]
    note = (f"Outcome: share of the texts on which a state withheld a yes vote; OLS with "
            f"classical standard errors, {int(first['n_states'])} states. Estimate "
            f"{number(first['estimate'])} (SE {number(first['std_error'])}, t "
            f"{number(first['t'], 2)}); partial $R^2$ of the treatment with the outcome "
            f"{number(first['partial_r2'])}; robustness value {number(first['rv_q'])} "
            f"(to bring the estimate to zero) and {number(first['rv_qa'])} (to make it "
            "insignificant at 5\\%). Rows: a confounder k times as strong as the benchmark, "
            "its partial $R^2$ with the treatment and with the outcome, and the adjusted "
            "estimate and interval (Cinelli and Hazlett 2020).")
    header = ["Benchmark", "k", "$R^2_{D\\sim Z|X}$", "$R^2_{Y\\sim Z|D,X}$", "Adjusted",
              "95\\% interval"]
    return _table(caption, label, header, rows, note, "lrrrrr")


def israel_table(israel: pd.DataFrame, caption: str, label: str) -> str:
    rows = []
    for r in israel.itertuples():
        yes_voters = ("" if pd.isna(r.prob_yes_voters) else
                      f"{number(r.prob_yes_voters, 2)} "
                      f"{_interval(r.ci_low_yes_voters, r.ci_high_yes_voters)}")
        rows.append([escape(short_symbol(r.symbol)), str(r.date)[:10], escape(r.vote),
                     "yes" if r.cosponsor == 1 else "no",
                     f"{number(r.prob, 2)} {_interval(r.ci_low, r.ci_high)}", yes_voters])
    note = ("Predicted probability of co-sponsoring with 95\\% interval from the Firth models "
            "of all members and of yes voters (the latter only where Israel voted yes), pooled "
            "over the imputations.")
    return _table(caption, label, ["Text", "Date", "Vote", "Co-sponsored",
                                   "Pr(co-sponsor), all", "Pr(co-sponsor), yes voters"], rows,
                  note, "llllrr")


SYNTHETIC_WINDOWS = {"pre": "Before the intervention", "during": "Intervention to Assad's fall",
                     "after": "After Assad's fall"}


def _date(value) -> str:
    return f"{pd.Timestamp(value).day} {pd.Timestamp(value):%b %Y}"


def synthetic_table(summary: pd.DataFrame, caption: str, label: str) -> str:
    """Israel against synthetic Israel by window (`models.synthetic` summary), with the
    placebo rank of its change in gap; the post/pre RMSPE ratio and its rank in the note."""
    by_window = summary.set_index("window")
    missing = sorted({*SYNTHETIC_WINDOWS, "post"} - set(by_window.index))
    if missing:
        raise DataError(None, "israel_synthetic_summary.window", "pre, during, after and post",
                        missing)
    rows = []
    for window, name in SYNTHETIC_WINDOWS.items():
        r = by_window.loc[window]
        ranked = not pd.isna(r["rank"])
        rows.append([escape(name), f"{_date(r['start'])} to {_date(r['end'])}",
                     str(int(r["time_units"])), str(int(r["texts"])),
                     number(r["israel"], 2), number(r["synthetic"], 2),
                     number(r["donor_mean"], 2), number(r["gap"], 2),
                     number(r["gap_vs_pre"], 2) if window != "pre" else "",
                     f"{int(r['rank'])} of {int(r['units'])}" if ranked else "",
                     p_cell(r["p"]) if ranked else ""])
    post, pre = by_window.loc["post"], by_window.loc["pre"]
    weights = ("its number of texts" if post["unit_weights"] == "texts" else "one")
    multiple = post["max_pre_mspe_multiple"]
    compared = ("every placebo" if pd.isna(multiple) else
                f"the placebos whose pre-intervention MSPE is at most {multiple:g} times "
                "Israel's")
    note = ("Share of the recorded General Assembly texts on which Russia voted no that a "
            "state did not vote yes on (abstained, voted no or was absent). Time units are "
            "calendar years, a year in which a window opens split at that date; each counts "
            f"by {weights} in the fit and the window means. Synthetic Israel: the combination "
            f"of {int(pre['donors'])} donor states (no security tie to Russia in any year) "
            "closest to Israel's path before the intervention (pre-intervention RMSPE "
            f"{number(pre['pre_rmspe'], 3)}); donor mean: their unweighted mean. Change: the "
            "window's mean gap less the mean gap before the intervention. Rank: Israel's "
            f"change among its own and those of {compared}, each donor refitted as the treated "
            "unit, counted from the largest (one-sided); p = rank / states ranked. Ratio of "
            "the RMSPE after the intervention to the RMSPE before it: "
            f"{number(post['value'], 2)}, rank {int(post['rank'])} of {int(post['units'])} "
            f"(p = {p_cell(post['p'])}).")
    header = ["Window", "Dates", "Units", "Texts", "Israel", "Synthetic", "Donor mean", "Gap",
              "Change", "Rank", "$p$"]
    return _table(caption, label, header, rows, note, "llrrrrrrrrr")


def codebook_table(codebook: pd.DataFrame, caption: str, label: str) -> str:
    """Booktabs longtable of the codebook for the appendix (needs longtable, booktabs, array).

    Name, definition and unit share one column and source and period another, so
    the table fits the text width of a portrait page.
    """
    ragged = r">{\raggedright\arraybackslash}"
    header = r"Variable, definition [unit] & Source (period) & N & Min & Median & Max \\"
    lines = [
        r"\begingroup",
        r"\footnotesize",
        r"\setlength{\tabcolsep}{3pt}",
        rf"\begin{{longtable}}{{@{{}}{ragged}p{{0.36\linewidth}}{ragged}p{{0.26\linewidth}}rrrr@{{}}}}",
        rf"\caption{{{escape(caption)}}}\label{{{label}}}\\",
        r"\toprule",
        header,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        header,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    for row in codebook.itertuples(index=False):
        cells = [
            rf"\texttt{{{escape(row.variable)}}}\newline "
            f"{escape(row.definition)} [{escape(row.unit)}]",
            f"{escape(row.source)} ({escape(row.year)})",
            str(row.n_nonmissing),
            number(row.min, 3, significant=True),
            number(row.median, 3, significant=True),
            number(row.max, 3, significant=True),
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\end{longtable}", r"\endgroup", ""]
    return "\n".join(lines)


WITHIN_OUTCOMES = {"not_yes": "not voting yes", "not_cosponsor": "not co-sponsoring",
                   "not_cosponsor_joined": "not co-sponsoring, yes voters"}


def _years(effects: pd.DataFrame, column: str, unit: str) -> str:
    """The one value of a setting every fit's row carries, in words ("one year", "5 years")."""
    values = effects[column].dropna().unique()
    if len(values) != 1:
        raise DataError("results/models/within.csv", column, "one value across the fits",
                        sorted(values))
    count = int(values[0])
    return f"one {unit}" if count == 1 else f"{count} {unit}"


def main_fit(effects: pd.DataFrame) -> tuple[str, str]:
    """The main tie and design of a within-state table: those of its costly-signal rows,
    which are computed for the main fits only."""
    compared = effects[effects["outcome"].str.contains("_vs_")]
    return compared["tie"].iloc[0], compared["design"].iloc[0]


def within_table(effects: pd.DataFrame, caption: str, label: str) -> str:
    """The within-state fits of the main tie towards each patron: every outcome under each
    design, and the costly signal against the vote, with the wild bootstrap's interval and
    p-value, the randomisation test's p-value where it ran, and the states that carry each
    estimate."""
    rows = []
    tie, _ = main_fit(effects)
    shown = effects[effects["tie"] == tie]
    for patron, own in shown.groupby("patron", sort=False):
        for record in own.itertuples():
            if record.outcome in WITHIN_OUTCOMES:
                outcome = WITHIN_OUTCOMES[record.outcome]
            else:
                costly, cheap = record.outcome.split("_vs_")
                outcome = (f"relative: {WITHIN_OUTCOMES[costly]} minus "
                           f"{WITHIN_OUTCOMES[cheap]}")
            few = record.n_treated < MIN_TREATED_CLUSTERS
            rows.append([escape(patron_name(patron)), escape(outcome),
                         escape(record.design.replace("_", " ")),
                         number(record.estimate) + (r"$^\dagger$" if few else ""),
                         _interval(record.ci_low, record.ci_high), p_cell(record.p_wild),
                         p_cell(record.p_ri), str(int(record.n_treated)), number(record.mde),
                         f"{int(record.n):,} ({int(record.n_states)}; {int(record.n_texts):,}, "
                         f"{int(record.n_opposed_texts):,})"])
    lag, period = (_years(effects, "lag_years", "year"), _years(effects, "period_years",
                                                                "years"))
    note = (f"Linear probability models of withholding on General Assembly texts: the state's "
            f"{escape(tie.replace('_', ' '))} towards the row's patron, lagged {lag} and "
            "interacted with the patron having voted no on the text; the tie's main effect, "
            f"state-by-period ({period}) and text fixed effects, "
            "and in the switches design also each state's own difference between "
            "patron-opposed and other texts, so that only states whose tie switches carry the "
            "estimate. Interval: inversion of the restricted wild cluster bootstrap by state "
            "(Rademacher weights); p (wild): its two-sided p-value of no effect; p (RI): "
            "randomisation test, tie histories permuted across states within UN regional "
            "group, the main design only. The relative rows compare effects divided by the "
            "outcome's rate on patron-opposed texts among untied states; their interval and "
            "p-value come from one set of wild draws for both fits (unrestricted). Treated: "
            "states whose tie is on for a patron-opposed text (switches design: and whose tie "
            "switches); $\\dagger$: fewer than "
            f"{MIN_TREATED_CLUSTERS}, so the bootstrap is not to be trusted. MDE: minimum "
            f"detectable effect at 80\\% power, two-sided 5\\% test ({MDE_FACTOR:.1f} "
            "state-clustered "
            "standard errors). N: state-texts (states; texts, patron-opposed texts).")
    return _table(caption, label, ["Patron", "Outcome", "Design", "Estimate",
                                   "95\\% interval", "p (wild)", "p (RI)", "Treated", "MDE",
                                   "N (states; texts, opposed)"], rows, note, "lllrrrrrrl")
def event_study_table(pretrends: pd.DataFrame, caption: str, label: str) -> str:
    """Per event: treated and control states, and for each estimator the joint pre-trend test
    and the average effect over the event year and the years after it; an event resting on
    too few treated states for clustered tests shows its estimates without inference."""
    estimators = {"did2s": "Imputation", "twfe": "Two-way FE"}
    rows = []
    for _, group in pretrends.groupby("event", sort=False):
        first = group.iloc[0]
        cells = [escape(first["label"]), str(int(first["treated_states"])),
                 str(int(first["control_states"]))]
        for estimator in estimators:
            row = group[group["estimator"] == estimator].iloc[0]
            if bool(row["few_clusters"]):
                cells += ["few states", number(row["post_estimate"]), ""]
            else:
                cells += [p_cell(row["pretrend_p"]), number(row["post_estimate"]),
                          _interval(row["post_ci_low"], row["post_ci_high"])]
        rows.append(cells)
    header = ["Event", "Treated", "Controls"]
    for name in estimators.values():
        header += [f"{name}: pre-trend $p$", "Average effect", "95\\% interval"]
    first = pretrends.iloc[0]
    last = int(pretrends["post_periods"].max()) - 1
    earliest, latest = (int(k) for k in str(first["leads"]).split(".."))
    note = (
        "Outcome: the reticence gap, the share of the patron-opposed recorded texts of a year "
        "a state did not vote yes on minus the share of its other recorded texts. Treated: "
        "states whose tie switched after a year observed in the other state, counted as "
        "switched from then on; controls: states whose tie never switched. Imputation: "
        "Gardner's two-stage estimator (state and year effects fitted on the untreated "
        "state-years); its pre-trend test regresses the untreated state-years alone on the "
        f"relative years {number(earliest, 0)} to {number(latest, 0)}, the reference "
        "year left out (Borusyak, Jaravel and Spiess). Two-way FE: one "
        "regression with a dummy per year relative to the event. Pre-trend $p$: cluster-robust "
        "Wald test that every lead is zero, F with (leads, states $-$ 1) degrees of freedom. "
        f"Average effect: mean of the coefficients of the event year to {last} or more years "
        "after, with its interval (t with states $-$ 1 degrees of freedom); "
        "standard errors clustered by state. \\emph{few states}: fewer than "
        f"{MIN_TREATED_CLUSTERS} treated states, so no test or interval is shown.")
    return _table(caption, label, header, rows, note, "lrr" + "rrr" * len(estimators))
