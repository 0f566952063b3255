"""The config schema is strict and holds the defaults: every key is described and typed, no
object takes keys it does not list, and the defaults Snakemake's validation fills in are the
values config/config.yaml sets, so leaving a key out changes no result."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from abstention.config_check import VERBOSE, ConfigError, validate_config

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.json"
TYPES = ("type", "enum", "$ref")
# The JSON Schema keywords the schema may use; any other key in a schema node is a slip (a
# description split into a key, say) that validators silently ignore.
KEYWORDS = {"$schema", "$id", "$ref", "$defs", "description", "type", "enum", "const",
            "default", "properties", "additionalProperties", "propertyNames", "required",
            "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "minProperties",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern",
            "minLength", "maxLength", "allOf", "anyOf", "oneOf", "not", "format"}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def referenced(schema: dict, node: dict) -> dict:
    """The schema a local `$ref` points to, or {} without one."""
    if "$ref" not in node:
        return {}
    target = schema
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target


def schema_problems(schema: dict) -> list[str]:
    """Each key without a description (its own or its $ref's) or a type, each object with keys
    that takes others, and each map whose values have no schema, by path."""
    problems = []

    def check_labels(node: dict, where: str) -> None:
        if "description" not in {**referenced(schema, node), **node}:
            problems.append(f"{where}: no description")
        if not any(key in node for key in TYPES):
            problems.append(f"{where}: no type, enum or $ref")

    def walk(node, where: str) -> None:
        if not isinstance(node, dict):
            return
        problems.extend(f"{where}: unknown schema keyword {key!r}"
                        for key in sorted(set(node) - KEYWORDS))
        if node.get("type") == "object" or "properties" in node:
            closed = node.get("additionalProperties")
            if "properties" in node and closed is not False:
                problems.append(f"{where}: additionalProperties is not false")
            if "properties" not in node and not isinstance(closed, dict):
                problems.append(f"{where}: a map without a schema for its values")
        for name, child in node.get("properties", {}).items():
            check_labels(child, f"{where}.{name}")
            walk(child, f"{where}.{name}")
        for name, child in node.get("$defs", {}).items():
            check_labels(child, f"$defs.{name}")
            walk(child, f"$defs.{name}")
        for key in ("items", "additionalProperties", "propertyNames", "not"):
            walk(node.get(key), f"{where}.{key}")
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for number, child in enumerate(node.get(key, [])):
                walk(child, f"{where}.{key}[{number}]")

    walk(schema, "config")
    return problems


def test_every_key_is_described_typed_and_closed():
    assert schema_problems(load(SCHEMA)) == []


def drop(schema: dict, path: str, key: str) -> dict:
    node = schema
    for part in path.split("/"):
        node = node[part]
    del node[key]
    return schema


@pytest.mark.parametrize(("path", "key", "problem"), [
    ("properties/features/properties/atop_year", "description",
     "config.features.atop_year: no description"),
    ("properties/paper/properties/source_date_epoch", "type",
     "config.paper.source_date_epoch: no type"),
    ("properties/hypotheses/properties/bootstrap", "additionalProperties",
     "config.hypotheses.bootstrap: additionalProperties is not false"),
    ("properties/figures/properties/registry/additionalProperties", "additionalProperties",
     "config.figures.registry.additionalProperties: additionalProperties is not false"),
    ("properties/text_sets", "additionalProperties",
     "config.text_sets: a map without a schema for its values"),
    ("$defs/model/properties/outcome", "description",
     "config.model_defaults.outcome: no description"),
    ("$defs/quantity", "description", "$defs.quantity: no description"),
])
def test_a_missing_description_type_or_closed_object_is_found(path, key, problem):
    problems = schema_problems(drop(load(SCHEMA), path, key))
    assert any(found.startswith(problem) for found in problems), problems


def test_model_defaults_takes_every_model_key():
    """model_defaults is closed, so it must list each key a model may set."""
    schema = load(SCHEMA)
    defaults = schema["properties"]["model_defaults"]["properties"]
    assert sorted(defaults) == sorted(schema["$defs"]["model"]["properties"])


def filled(config: dict) -> dict:
    """`config` as the workflow sees it: validated, defaults filled in."""
    config = copy.deepcopy(config)
    validate_config(config, SCHEMA)
    return config


def test_a_stray_key_in_the_schema_is_found():
    schema = load(SCHEMA)
    schema["$defs"]["model"]["properties"]["categorical"]["entered as dummies."] = None
    assert ("$defs.model.categorical: unknown schema keyword 'entered as dummies.'"
            in schema_problems(schema))


def test_defaults_are_filled_as_snakemake_fills_them():
    config = without_defaults(load(ROOT / "config" / "config.yaml"), load(SCHEMA))
    by_snakemake = copy.deepcopy(config)
    validate(by_snakemake, str(SCHEMA))
    assert filled(config) == by_snakemake


def problem_lines(config: dict) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        filled(config)
    return str(caught.value).splitlines()


def test_a_misspelled_key_is_named_first_with_its_value_and_a_suggestion():
    config = load(ROOT / "config" / "config.yaml")
    config["models"]["h1_vote"]["covariate"] = "total"
    lines = problem_lines(config)
    assert lines[0] == ("config/config.yaml [models.h1_vote.covariate]: unknown key "
                        "(value 'total'); did you mean 'covariates'?")
    assert len(lines) <= 20 and "covariates" in lines[1]


def test_a_misspelled_value_is_suggested_and_a_wrong_type_named():
    config = load(ROOT / "config" / "config.yaml")
    config["models"]["h1_vote"]["estimator"] = "firth_logt"
    config["features"]["reference_year"] = "twenty"
    lines = problem_lines(config)
    assert any(line.startswith("config/config.yaml [features.reference_year]: expected a value "
                               "of type") and "'twenty'" in line for line in lines), lines
    assert any(line.startswith("config/config.yaml [models.h1_vote.estimator]")
               and "did you mean 'firth_logit'?" in line for line in lines), lines


def test_the_full_account_is_behind_a_switch(monkeypatch):
    config = load(ROOT / "config" / "config.yaml")
    config["modles"] = {}
    assert len(problem_lines(config)) <= 5
    monkeypatch.setenv(VERBOSE, "1")
    assert any("Failed validating" in line for line in problem_lines(config))


def test_an_empty_features_section_is_filled_with_the_config_values():
    config = load(ROOT / "config" / "config.yaml")
    assert filled({**config, "features": {}})["features"] == config["features"]


def without_defaults(config: dict, node: dict) -> dict:
    """`config` less every key whose schema gives a default, at every level of fixed keys."""
    kept = {}
    for key, value in config.items():
        child = node.get("properties", {}).get(key, {})
        if "default" not in child:
            kept[key] = without_defaults(value, child) if isinstance(value, dict) else value
    return kept


def test_the_defaults_are_the_config_values():
    config = load(ROOT / "config" / "config.yaml")
    bare = without_defaults(config, load(SCHEMA))
    assert bare["features"] == {} and "prediction_states" not in bare
    assert filled(bare) == filled(config)


def _enum_at(schema: dict, *path: str) -> list:
    node = schema
    for key in path:
        node = node[key]
    return node["enum"]


def test_every_schema_enum_equals_its_code_registry():
    """A builder, file name or estimator added to the code and not to the schema (or the
    reverse) would be refused, or accepted and fail later; the two lists are one."""
    import json
    import re

    from abstention.models.common import BINARY_ESTIMATORS, ESTIMATORS
    from abstention.outputs.figure_builders import BUILDERS

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    figures = schema["properties"]["figures"]["properties"]["registry"]["additionalProperties"]
    assert set(_enum_at(figures, "properties", "builder")) == set(BUILDERS)
    assert _enum_at(schema, "$defs", "model", "properties", "estimator") == list(ESTIMATORS)
    multiverse = schema["properties"]["multiverse"]["properties"]["estimators"]["items"]
    assert multiverse["enum"] == list(BINARY_ESTIMATORS)
    common = (ROOT / "workflow" / "rules" / "common.smk").read_text(encoding="utf-8")
    block = re.search(r"^NAMED_FILES = \{(.*?)^\}", common, re.M | re.S).group(1)
    named = re.findall(r'^\s+"(\w+)":', block, re.M)
    assert set(_enum_at(schema, "$defs", "named_file")) == set(named)
