"""Names the estimator modules share. No numerical imports, so the workflow's parse can read
them (the model specs check estimator names against these)."""

ESTIMATORS = ("logit", "firth_logit", "lpm", "mnlogit", "ordered_logit")
BINARY_ESTIMATORS = ("logit", "firth_logit", "lpm")
MAXIMUM_LIKELIHOOD = ("logit", "mnlogit", "ordered_logit")
COV_TYPES = ("nonrobust", "HC1", "cluster")
INTERCEPT = "Intercept"
LATENT = "latent"
TABLE_COLUMNS = ["equation", "term", "estimate", "std_error", "z", "p", "ci_low", "ci_high"]
PREDICT_COLUMNS = ["equation", "prob", "ci_low", "ci_high"]
INFERENCE_COLUMNS = ["std_error", "z", "p", "ci_low", "ci_high"]
SEPARATED = "separated"
FEW_CLUSTERS = "few_clusters"  # too few informative clusters: estimate without inference
# A term needs at least this many informative clusters (clusters where it is non-zero, counted
# on each side of a binary outcome) for a clustered Wald test: with fewer, the sandwich rests on
# a handful of residuals and its p-values are artefacts (Cameron, Gelbach and Miller 2008).
MIN_TREATED_CLUSTERS = 10
# Two-sided 5% test with 80% power: the minimum detectable effect is MDE_FACTOR standard errors.
Z_TWO_SIDED_5 = 1.959964
Z_POWER_80 = 0.841621
MDE_FACTOR = Z_TWO_SIDED_5 + Z_POWER_80


class EstimationWarning(UserWarning):
    """Raised for conditions the caller should see in ``fit['warnings']``."""
