"""Bad input, case by case: each is refused with a message naming the file and the key or row,
and nothing is half-written (see docs/robustness.md for the table of cases)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadr
import pytest
import yaml

from abstention.errors import DataError
from abstention.ingest import votes as v
from abstention.ingest.checksums import verify_checksums
from abstention.ingest.countries import country_mapper
from abstention.ingest.readers import un_json, voeten
from abstention.ingest.readers.common import read_sheet
from abstention.ingest.readers.idealpoints import read_idealpoints
from abstention.ingest.readers.polity import read_polity
from abstention.ingest.readers.un2025 import read_votes_2025
from abstention.models.configured import model_sample

ROOT = Path(__file__).resolve().parents[2]
POLITY_HEADER = "ccode,scode,country,year,polity2\n"
UN2025_HEADER = ("Link,Title,Council,Resolution,Date,YES COUNT,NO COUNT,ABSTAIN COUNT,"
                 "NO-VOTE COUNT,TOTAL VOTES,FRA,IND\n")
UN2025_ROW = "https://x,Test,General Assembly,A/RES/79/1,2025-01-02,1,0,1,0,2,YES,ABSTAIN\n"


@pytest.fixture(scope="module")
def mapper():
    return country_mapper(ROOT / "data/raw/countrycode/codelist.rda")


def json_line(**overrides) -> str:
    record = {
        "symbol": "A/RES/ES-11/9", "adoption_date": "2 March 2022",
        "adoption_type": "By a recorded vote", "title": "Test",
        "MS_in_favour_count": "1", "MS_against_count": "0", "MS_abstaining_count": "1",
        "MS_in_favour": ["FRANCE"], "MS_against": [], "MS_abstaining": ["INDIA"],
        "sponsors": [], "additional_sponsors": [],
    }
    record.update(overrides)
    return json.dumps(record)


def refused(call, *parts: str) -> DataError:
    """Run `call`, require a DataError whose message names every part in order."""
    with pytest.raises(DataError) as caught:
        call()
    message = str(caught.value)
    pattern = ".*".join(re.escape(str(p)) for p in parts)
    assert re.search(pattern, message, re.DOTALL), message
    return caught.value


# --- raw files -----------------------------------------------------------------------------


def test_checksum_mismatch(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    (tmp_path / "SHA256SUMS").write_text(f"{'0' * 64}  ./a.csv\n")
    refused(lambda: verify_checksums(tmp_path / "SHA256SUMS"), tmp_path / "a.csv", "sha256")


@pytest.mark.parametrize("reader, name", [
    (lambda p, m: un_json.read_resolution_file(p, "GA"), "ES-11.json"),
    (lambda p, m: read_votes_2025(p), "un_votes_2025_processed.csv"),
    (lambda p, m: read_polity(p, m, 2018, 2018), "p5v2018.csv"),
], ids=["json", "un2025_csv", "polity_csv"])
def test_empty_file(tmp_path, mapper, reader, name):
    path = tmp_path / name
    path.write_bytes(b"")
    refused(lambda: reader(path, mapper), path)


def test_truncated_json_line(tmp_path):
    path = tmp_path / "ES-11.json"
    path.write_text(json_line() + "\n" + json_line()[:90] + "\n")
    refused(lambda: un_json.read_resolution_file(path, "GA"), path, "line 2")


def test_json_line_lacking_a_required_key(tmp_path):
    record = json.loads(json_line())
    del record["MS_against"]
    path = tmp_path / "ES-11.json"
    path.write_text(json.dumps(record) + "\n")
    refused(lambda: un_json.read_resolution_file(path, "GA"), path, "line 1", "MS_against")


@pytest.mark.parametrize("name, read, key", [
    ("un_votes.rda", lambda p, m: voeten.read_unvotes(p), "un_votes"),
    ("rf_exports_2023.xlsx", lambda p, m: read_sheet(p, "Exports, FOB"), "Exports, FOB"),
    ("IdealpointsJuly2025.dta", read_idealpoints, "file"),
], ids=["rda", "xlsx", "dta"])
def test_file_that_is_not_its_format(tmp_path, mapper, name, read, key):
    path = tmp_path / name
    path.write_text("this is plain text, not the format the name says\n")
    refused(lambda: read(path, mapper), path, key)


def test_csv_with_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "un_votes_2025_processed.csv"
    path.write_bytes(UN2025_HEADER.encode() + UN2025_ROW.replace("Test", "Côte").encode("latin-1"))
    refused(lambda: read_votes_2025(path), path, "line 2", "UTF-8")


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.encode(),
    lambda text: text.replace("\n", "\r\n").encode(),
], ids=["utf8_bom", "crlf"])
def test_csv_bom_and_crlf_are_accepted(tmp_path, encode):
    path = tmp_path / "un_votes_2025_processed.csv"
    path.write_bytes(encode(UN2025_HEADER + UN2025_ROW))
    votes = read_votes_2025(path)
    assert votes.resolutions["symbol"].tolist() == ["A/RES/79/1"]
    assert votes.listed_votes["vote"].tolist() == ["yes", "abstain"]


def test_duplicated_state_vote_row_with_two_votes():
    listed = pd.DataFrame({"res_id": ["R1", "R1"], "iso3": ["FRA", "FRA"], "vote": ["yes", "no"]})
    refused(lambda: v.dedupe_listings(listed, "a.json"), "a.json", "R1 FRA")


def test_state_listed_twice_with_one_vote_is_kept_once_and_reported():
    listed = pd.DataFrame({"res_id": ["R1", "R1"], "iso3": ["FRA", "FRA"],
                           "vote": ["yes", "yes"]})
    kept, report = v.dedupe_listings(listed, "a.json")
    assert kept.to_dict("records") == [{"res_id": "R1", "iso3": "FRA", "vote": "yes"}]
    assert report[["iso3", "times"]].to_dict("records") == [{"iso3": "FRA", "times": 2}]


def test_vote_code_outside_the_documented_set(tmp_path):
    path = tmp_path / "un_votes.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"rcid": [3.0], "country": ["Cuba"],
                                                 "vote": ["maybe"]}), df_name="un_votes")
    refused(lambda: voeten.read_unvotes(path), path, "country=Cuba")


def test_unknown_country_name(mapper):
    refused(lambda: mapper.to_iso3(["FRANCE", "Atlantis"], "ES-11.json"), "ES-11.json",
            "Atlantis")


def test_vote_date_outside_the_session_year():
    resolutions = pd.DataFrame({"res_id": ["S/RES/2623 (2022)"], "symbol": ["S/RES/2623 (2022)"],
                                "date": [pd.Timestamp("2021-02-27")]})
    corrections = pd.DataFrame({"res_id": pd.Series([], dtype=str),
                                "date": pd.Series([], dtype=str)})
    refused(lambda: v.correct_dates(resolutions, corrections, "S_RES.json"), "S_RES.json",
            "adoption_date", "S/RES/2623 (2022)")


# --- model specifications against the panel --------------------------------------------------


@pytest.fixture
def panel():
    return pd.DataFrame({"symbol": ["A/RES/ES-11/1"] * 2, "iso3": ["FRA", "IND"],
                         "not_yes": [0, 1], "x": [0.1, 0.2], "un_group": ["WEOG", "APG"],
                         "has_sponsor_list": [True, True], "vote": ["yes", "abstain"]})


@pytest.mark.parametrize("change, key, found", [
    ({"covariates": ["not_a_column"]}, "variables", "not_a_column"),
    ({"resolutions": ["A/RES/ES-99/1"]}, "resolutions", "A/RES/ES-99/1"),
], ids=["unknown_variable", "unknown_resolution"])
def test_model_naming_what_the_panel_lacks(panel, change, key, found):
    spec = {"name": "m", "outcome": "not_yes", "covariates": ["x"], "categorical": [],
            "resolutions": ["A/RES/ES-11/1"], **change}
    refused(lambda: model_sample(panel, spec), "config models.m", key, found)


# --- the configuration, checked at start-up -----------------------------------------------------


def dry_run_with(tmp_path: Path, edit) -> subprocess.CompletedProcess:
    """`snakemake --dry-run` on the repository with an edited copy of config/config.yaml."""
    for name in ("Snakefile", "workflow", "src", "paper", "data"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "config").mkdir()
    for file in (ROOT / "config").iterdir():
        (tmp_path / "config" / file.name).write_bytes(file.read_bytes())
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    edit(config)
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)


def set_in(path: str, value):
    def edit(config):
        *parents, last = path.split(".")
        node = config
        for part in parents:
            node = node[part]
        node[last] = value
    return edit


def rename_model(old: str, new: str):
    def edit(config):
        config["models"][new] = config["models"].pop(old)
    return edit


def rename_registry_entry(kind: str, old: str, new: str):
    def edit(config):
        config[kind]["registry"][new] = config[kind]["registry"].pop(old)
    return edit


def add_model(**entry):
    """A new model as a user would add it: the main model's entry with a few keys changed."""
    def edit(config):
        config["models"]["new_model"] = {**config["models"]["h1_vote"], **entry}
    return edit


CONFIG_CASES = {
    "unknown_top_level_key": (set_in("modles", {}), ["modles"]),
    "unknown_section_key": (set_in("features.refrence_year", 2021), ["refrence_year"]),
    "model_exclude_group_typo": (set_in("models.h1_vote.exclude_group", ["WEOG"]),
                                 ["exclude_group"]),
    "model_cov_typ_typo": (set_in("models.h1_vote.cov_typ", "HC1"), ["cov_typ"]),
    "wrong_type_reference_year": (set_in("features.reference_year", "twenty"),
                                  ["reference_year", "twenty"]),
    "unknown_estimator": (set_in("models.h1_vote.estimator", "probit"), ["estimator", "probit"]),
    "unknown_covariate_set": (set_in("models.h1_vote.covariates", "everything"),
                              ["models.h1_vote", "covariates", "everything"]),
    "unknown_text_set": (set_in("models.h1_vote.resolutions", "es11_2030"),
                         ["models.h1_vote", "resolutions", "es11_2030"]),
    "hypothesis_naming_unknown_model": (set_in("hypotheses.entries.H1.model", "h9_vote"),
                                        ["H1", "model", "h9_vote"]),
    "figure_output_outside_results": (
        rename_registry_entry("figures", "vote_counts", "../../vote_counts"),
        ["../../vote_counts"]),
    "table_output_outside_results": (
        rename_registry_entry("tables", "main", "/tmp/main"), ["/tmp/main"]),
    "model_output_outside_results": (rename_model("es11_1_lpm", "../es11_1_lpm"),
                                     ["../es11_1_lpm"]),
    "new_model_drops_a_misspelled_covariate": (
        add_model(drop_covariates=["fh_totl"]),
        ["[models.new_model.drop_covariates]", "fh_totl", "did you mean 'fh_total'?"]),
    "new_model_adds_an_unknown_covariate": (
        add_model(add_covariates=["polity"]),
        ["[models.new_model.add_covariates]", "polity", "did you mean 'polity2'?"]),
    "new_model_excludes_where_an_unknown_column": (
        add_model(exclude_where={"formerussr": 1}),
        ["[models.new_model.exclude_where]", "formerussr", "did you mean 'former_ussr'?"]),
    "event_naming_a_patron_outside_ties_patrons": (
        set_in("event_study.events.rus_presence.patron", "RUZ"),
        ["[event_study.events.rus_presence.patron]", "RUZ", "did you mean 'RUS'?"]),
    "within_naming_a_patron_outside_ties_patrons": (
        set_in("within.ties", {"RUS": ["security_dependence"], "IND": ["security_dependence"]}),
        ["[within.ties]", "IND"]),
    "within_naming_an_unknown_tie": (
        set_in("within.ties.RUS", ["security_dependance"]),
        ["[within.ties.RUS]", "security_dependance", "did you mean 'security_dependence'?"]),
    "hypothesis_naming_an_unknown_within_quantity": (
        set_in("hypotheses.within_entries.H4.outcome", "not_abstain"),
        ["[hypotheses.within_entries.H4.outcome]", "not_abstain"]),
    "patron_opposed_rule_naming_an_unknown_field": (
        set_in("text_patrons.patron_opposed", "patron_vot == 'no'"),
        ["[text_patrons.patron_opposed]", "patron_vot", "did you mean 'patron_vote'?"]),
    "bootstrap_chunks_above_its_replicates": (
        set_in("hypotheses.bootstrap.chunks", 2001),
        ["[hypotheses.bootstrap.chunks]", "at most hypotheses.bootstrap.replicates", "2001"]),
    "randomisation_chunks_above_its_permutations": (
        set_in("randomisation.chunks", 2001),
        ["[randomisation.chunks]", "at most randomisation.permutations", "2001"]),
    "multiverse_chunks_above_its_specifications": (
        lambda config: (set_in("multiverse.specifications", 100)(config),
                        set_in("multiverse.chunks", 101)(config)),
        ["[multiverse.chunks]", "at most multiverse.specifications", "101"]),
    "multiverse_mediator_outside_its_alignments": (
        set_in("multiverse.mediators", ["ideal_2022"]),
        ["[multiverse.mediators]", "ideal_2022"]),
    "bootstrap_replicates_too_few_for_p_at_0.001": (
        set_in("hypotheses.bootstrap.replicates", 500),
        ["[hypotheses.bootstrap.replicates]", "minimum 999", "500"]),
    "permutations_too_few_for_p_at_0.001": (
        set_in("randomisation.permutations", 500),
        ["[randomisation.permutations]", "minimum 999", "500"]),
    "within_draws_too_few_for_p_at_0.001": (
        set_in("within.bootstrap.draws", 500), ["[within.bootstrap.draws]", "minimum 999", "500"]),
    "event_naming_an_unknown_tie": (
        set_in("event_study.events.rus_security_dependence.tie", "security_dependance"),
        ["[event_study.events.rus_security_dependence.tie]", "security_dependance",
         "did you mean 'security_dependence'?"]),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_config_stops_at_start_up(tmp_path, case):
    edit, named = CONFIG_CASES[case]
    result = dry_run_with(tmp_path, edit)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    pattern = ".*".join(re.escape(part) for part in named)
    assert re.search(pattern, output, re.DOTALL), output[-3000:]
    assert not (tmp_path / "results").exists()


def test_a_misspelled_model_key_is_named_first_in_a_short_message(tmp_path):
    result = dry_run_with(tmp_path, set_in("models.h1_vote.covariate", "total"))
    output = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode != 0
    assert len(output) <= 25, "\n".join(output)
    first = next(i for i, line in enumerate(output) if line.startswith("config/config.yaml"))
    assert output[first].startswith("config/config.yaml [models.h1_vote.covariate]: unknown key")
    assert "did you mean 'covariates'?" in output[first]
    assert "OrderedDict" not in "\n".join(output)
