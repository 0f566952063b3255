"""Every name a model spec uses is checked while the workflow parses, with the nearest valid
name suggested, so a typo never fits a different model than the one written."""

import pickle
from pathlib import Path

import pandas as pd
import pytest
import yaml

from abstention.errors import DataError
from abstention.models.panel import check_declared_columns
from abstention.models.panel_columns import PANEL_COLUMNS
from abstention.models.specs import HashedParam, check_multiverse, check_spec_names, resolve_spec

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())


def resolved(**entry) -> dict:
    base = {"outcome": "not_yes", "estimator": "firth_logit", "resolutions": "es11_2022"}
    return resolve_spec("new_model", {**base, **entry}, CONFIG)


def test_every_configured_model_names_only_panel_columns():
    for name, entry in CONFIG["models"].items():
        check_spec_names(resolve_spec(name, entry, CONFIG))


def test_dropping_a_misspelled_covariate_stops_with_the_model_key_and_a_suggestion():
    with pytest.raises(DataError) as caught:
        resolved(drop_covariates=["fh_totl"])
    message = str(caught.value)
    assert message.startswith("config/config.yaml [models.new_model.drop_covariates]")
    assert "found 'fh_totl'" in message and "did you mean 'fh_total'?" in message


def test_dropping_a_covariate_the_model_does_not_have_is_an_error_not_a_no_op():
    with pytest.raises(DataError, match=r"drop_covariates.*found 'polity2'"):
        resolved(drop_covariates=["polity2"])


@pytest.mark.parametrize("entry, field, found, nearest", [
    ({"add_covariates": ["polity"]}, "add_covariates", "polity", "polity2"),
    ({"outcome": "not_yess"}, "outcome", "not_yess", "not_yes"),
    ({"fixed_effects": ["resid"]}, "fixed_effects", "resid", "res_id"),
    ({"categorical": ["un_groups"]}, "categorical", "un_groups", "un_group"),
    ({"interactions": [["security_dependence", "material"]]}, "interactions", "material",
     "material_text"),
    ({"exclude_where": {"formerussr": 1}}, "exclude_where", "formerussr", "former_ussr"),
    ({"covariates": ["security_dependance"]}, "covariates", "security_dependance",
     "security_dependence"),
])
def test_unknown_names_stop_naming_model_key_and_nearest_column(entry, field, found, nearest):
    with pytest.raises(DataError) as caught:
        check_spec_names(resolved(**entry))
    message = str(caught.value)
    assert message.startswith(f"config/config.yaml [models.new_model.{field}]")
    assert f"found {found!r}" in message and f"did you mean {nearest!r}?" in message


def test_a_text_that_is_not_a_general_assembly_symbol_stops():
    with pytest.raises(DataError, match=r"resolutions.*ES-11/1"):
        check_spec_names(resolved(resolutions=["ES-11/1"]))


def test_an_unknown_covariate_set_is_suggested():
    with pytest.raises(DataError, match="did you mean 'ties_apart'"):
        resolved(covariates="ties_apar")


def test_multiverse_variables_are_checked_against_the_panel_columns():
    settings = {**CONFIG["multiverse"], "ties": ["arms_share_rusia"]}
    with pytest.raises(DataError, match="multiverse.ties.*did you mean 'arms_share_russia'"):
        check_multiverse(settings)
    check_multiverse(CONFIG["multiverse"])


def test_the_panel_is_checked_against_its_declared_columns():
    declared = pd.DataFrame(columns=list(PANEL_COLUMNS))
    check_declared_columns(declared)
    with pytest.raises(DataError, match="built, not declared.*extra"):
        check_declared_columns(declared.assign(extra=1))
    with pytest.raises(DataError, match="declared, not built.*not_yes"):
        check_declared_columns(declared.drop(columns="not_yes"))


def test_a_spec_param_is_recorded_by_a_short_hash_of_its_content():
    spec = resolved()
    shown = repr(spec)
    assert isinstance(spec, HashedParam) and shown.startswith("<new_model sha256:")
    assert len(shown) < 50
    assert repr(resolved(drop_covariates=["fh_total"])) != shown
    assert repr(resolved()) == shown
    assert pickle.loads(pickle.dumps(spec)) == dict(spec)
