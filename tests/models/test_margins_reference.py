"""The project's average marginal effects of a logit against marginaleffects' `avg_slopes` on the
same model fitted by statsmodels' formula API: an outside implementation of the definitions that
`fit_model` documents (average discrete change from 0 to 1 for a 0/1 term, average derivative
otherwise, delta-method standard errors)."""

from __future__ import annotations

import marginaleffects
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from abstention.models.fit import fit_model

TERMS = ["arms_share", "ally"]


@pytest.fixture(scope="module")
def states() -> pd.DataFrame:
    """Simulated abstentions on a continuous and a 0/1 regressor, with a regional bloc as a
    fixed effect (a pandas category, as marginaleffects needs for a categorical regressor)."""
    rng = np.random.default_rng(7)
    n = 400
    arms_share = rng.normal(size=n)
    ally = rng.integers(0, 2, n)
    bloc = rng.choice(["africa", "asia", "europe"], n)
    index = -0.3 + 0.8 * arms_share + 0.9 * ally + np.select(
        [bloc == "asia", bloc == "europe"], [0.5, -0.4], 0.0)
    abstained = (rng.random(n) < 1.0 / (1.0 + np.exp(-index))).astype(int)
    return pd.DataFrame({"abstained": abstained, "arms_share": arms_share, "ally": ally,
                         "bloc": pd.Categorical(bloc)})


def test_logit_margins_equal_marginaleffects_avg_slopes(states):
    ours = fit_model(states, "abstained", TERMS, "logit", "nonrobust", fixed_effects=["bloc"])
    model = smf.logit("abstained ~ arms_share + ally + bloc", data=states).fit(disp=0)
    assert model.llf == pytest.approx(ours.fit["log_likelihood"], rel=1e-12)
    # A smaller step than the default for the numerical Jacobian of the standard errors: with
    # it marginaleffects' errors agree with the project's to about 2e-7 (1e-5 with the default).
    reference = marginaleffects.avg_slopes(model, variables=TERMS, eps_vcov=1e-6)
    reference = reference.to_pandas().set_index("term").loc[TERMS]
    # marginaleffects types a numeric column holding only 0 and 1 as binary and takes the
    # change from 0 to 1 there by default, as fit_model does.
    assert reference["contrast"].tolist() == ["dY/dX", "1 - 0"]
    margins = ours.margins.set_index("term").loc[TERMS]
    np.testing.assert_allclose(margins["estimate"], reference["estimate"], rtol=1e-8)
    np.testing.assert_allclose(margins["std_error"], reference["std_error"], rtol=1e-5)
