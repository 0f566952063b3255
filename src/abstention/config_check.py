"""The config checked against its JSON schema at start-up, with errors a person can read: the
offending key and value first, the nearest valid key or value for a misspelling, and no dump
of the schema (set ABSTENTION_CONFIG_VERBOSE=1 for jsonschema's full account)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

from abstention.errors import did_you_mean

VERBOSE = "ABSTENTION_CONFIG_VERBOSE"
SHOWN = 5  # errors listed before the rest are only counted


class ConfigError(ValueError):
    """The config breaks its schema; the message lists each problem on one or two lines."""


# Each job count with the number of draws or specifications its jobs share.
CHUNKED = (("hypotheses.bootstrap.chunks", "hypotheses.bootstrap.replicates"),
           ("randomisation.chunks", "randomisation.permutations"),
           ("multiverse.chunks", "multiverse.specifications"))


def _at(config: dict, key: str):
    for part in key.split("."):
        config = config[part]
    return config


def check_chunks(config: dict, config_file: str = "config/config.yaml") -> None:
    """A job count above the draws it shares would start jobs with nothing to draw."""
    # A count that is not a number ("all" specifications) is only known once the data are.
    problems = [f"{config_file} [{chunks}]: expected at most {shared} "
                f"({_at(config, shared)}, the count its jobs share); found {_at(config, chunks)}"
                for chunks, shared in CHUNKED if isinstance(_at(config, shared), int)
                and _at(config, chunks) > _at(config, shared)]
    if problems:
        raise ConfigError("\n".join(problems))


def validate_config(config: dict, schema_file: str | Path,
                    config_file: str = "config/config.yaml") -> None:
    """Fill the schema's defaults into `config` (as Snakemake's validate does), then stop with
    a short message if anything breaks the schema."""
    schema = json.loads(Path(schema_file).read_text(encoding="utf-8"))
    errors = sorted(_filling_defaults(schema).iter_errors(config),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        check_chunks(config, config_file)
        return
    lines = []
    for error in errors[:SHOWN]:
        lines += describe(error, config_file)
    if len(errors) > SHOWN:
        lines.append(f"... and {len(errors) - SHOWN} more problems.")
    if os.environ.get(VERBOSE):
        lines += ["", *(str(e) for e in errors)]
    else:
        lines.append(f"({VERBOSE}=1 shows the schema's full account.)")
    raise ConfigError("\n".join(lines))


def describe(error: ValidationError, config_file: str) -> list[str]:
    """One error as the key, the value found and what was expected, with a suggestion."""
    error = _deepest(error)
    key = ".".join(str(p) for p in error.absolute_path) or "<top level>"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]
        lines = []
        for name in unknown:
            where = f"{key}.{name}" if error.absolute_path else name
            value = _short(error.instance[name])
            lines.append(f"{config_file} [{where}]: unknown key (value {value})"
                         f"{did_you_mean(name, allowed)}")
        lines.append(f"  valid keys of {key}: {', '.join(sorted(allowed))}")
        return lines
    found = _short(error.instance)
    if error.validator == "enum":
        hint = did_you_mean(error.instance, map(str, error.validator_value)) \
            if isinstance(error.instance, str) else ""
        expected = "one of " + ", ".join(repr(v) for v in error.validator_value)
        return [f"{config_file} [{key}]: expected {expected}; found {found}{hint}"]
    if error.validator == "required":
        return [f"{config_file} [{key}]: {error.message}"]
    expected = {"type": f"a value of type {error.validator_value}",
                "pattern": f"a value matching {error.validator_value}"}.get(
        str(error.validator), f"{error.validator} {_short(error.validator_value)}")
    return [f"{config_file} [{key}]: expected {expected}; found {found}"]


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf/allOf, the branch error that says most (jsonschema's best match)."""
    while error.context:
        error = best_match(error.context)
    return error


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _filling_defaults(schema: dict) -> Draft202012Validator:
    """A validator that sets each absent key's schema default while it validates."""
    properties = Draft202012Validator.VALIDATORS["properties"]

    def set_defaults(validator, subschemas, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in subschemas.items():
                if "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from properties(validator, subschemas, instance, schema)

    filling = validators.extend(Draft202012Validator, {"properties": set_defaults})
    return filling(schema)
