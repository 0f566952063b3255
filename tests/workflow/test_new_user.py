"""A new user's first hour, end to end in a scratch copy of the tracked files: `make all`, the
README's commands exactly as printed, one new model, one typo, one model that fails and one
figure change. Each step must plan or rerun only what it should. The tests share one build and
run in the order written."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_workflow_hardening import environment, scratch_copy

pytestmark = pytest.mark.workflow

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "config/config.yaml"
NEW_MODEL = ("  {name}: {outcome: not_yes, estimator: firth_logit, resolutions: es11_2022,\n"
             "      fixed_effects: [res_id], cov_type: cluster, {change}}\n")
CHECKED_BLOCK = re.compile(r"<!-- checked -->\n```sh\n(.*?)```", re.DOTALL)


def make(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=root, env=environment(root),
                          capture_output=True, text=True)


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@contextmanager
def edited_config(root: Path, edit) -> Iterator[None]:
    """config/config.yaml changed by `edit` (text to text), restored afterwards."""
    path = root / CONFIG
    original = path.read_text(encoding="utf-8")
    path.write_text(edit(original), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def with_model(root: Path, change: str, name: str = "new_model"):
    """One model added at the top of `models`, as a user adds it."""
    entry = NEW_MODEL.replace("{name}", name).replace("{change}", change)
    return edited_config(root, lambda text: text.replace("\nmodels:\n", f"\nmodels:\n{entry}", 1))


def planned_jobs(text: str) -> list[tuple[str, str]]:
    """(rule, wildcards) of every job a Snakemake log announces."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", text):
        rule = re.match(r"(?:local)?rule (\w+):", block.strip())
        if rule:
            wildcards = re.search(r"^\s+wildcards: (.*)$", block, re.MULTILINE)
            jobs.append((rule[1], wildcards[1] if wildcards else ""))
    return jobs


def model_files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "results/models").glob("*/*")) if p.is_file()}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("new_user"))
    # The environment is the one `make test` set up: make must find it up to date, so that it
    # never installs into it from this copy.
    (root / ".venv").symlink_to(ROOT / ".venv")
    assert make(root, "--question", "setup").returncode == 0, "the environment is out of date"
    result = make(root, "all")
    assert result.returncode == 0, output(result)[-3000:]
    return root


def test_make_all_builds_the_paper_and_the_report_and_then_has_nothing_to_do(clone):
    report = clone / "results/report.html"
    assert (clone / "results/paper/paper.pdf").is_file() and report.is_file()
    built = report.stat().st_mtime_ns
    again = make(clone, "all")
    assert again.returncode == 0, output(again)[-3000:]
    assert "Nothing to be done" in output(again)
    assert report.stat().st_mtime_ns == built, "the report was rebuilt with nothing changed"


def test_the_readme_commands_run_as_printed(clone):
    blocks = CHECKED_BLOCK.findall((clone / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2 and any("make figures" in b for b in blocks)
    for block in blocks:
        result = subprocess.run(["bash", "-e", "-c", block], cwd=clone, env=environment(clone),
                                capture_output=True, text=True)
        assert result.returncode == 0, f"{block}\n{output(result)[-3000:]}"
    help_text = make(clone, "help").stdout
    for target in ("figures", "tables", "model NAME=", "report", "plan", "archive", "clean"):
        assert f"make {target}" in help_text, target


def test_a_new_model_plans_its_own_job_and_nothing_for_the_others(clone):
    with with_model(clone, "drop_covariates: [fh_total]"):
        plan = make(clone, "plan")
        assert plan.returncode == 0, output(plan)[-3000:]
        jobs = planned_jobs(output(plan))
        assert [w for rule, w in jobs if rule == "model"] == ["name=new_model"], jobs
        assert {rule for rule, _ in jobs} <= {"model", "numbers", "paper", "all"}, jobs
        reasons = [line for line in output(plan).splitlines() if "reason:" in line]
        assert reasons and max(map(len, reasons)) < 500, max(reasons, key=len)
        fitted = make(clone, "model", "NAME=new_model")
        assert fitted.returncode == 0, output(fitted)[-3000:]
        assert (clone / "results/models/new_model/margins.csv").is_file()


def test_a_typo_in_a_new_model_stops_the_plan_naming_model_key_and_suggestion(clone):
    with with_model(clone, "drop_covariates: [fh_totl]"):
        plan = make(clone, "plan")
    text = output(plan)
    assert plan.returncode != 0
    assert "[models.new_model.drop_covariates]" in text and "did you mean 'fh_total'?" in text
    assert len(text.strip().splitlines()) <= 25, text


def test_a_failing_model_leaves_every_other_models_outputs_in_place(clone):
    assert make(clone, "all").returncode == 0
    before = model_files(clone)
    # A text the panel does not have: the form passes the start-up check, the job fails.
    with with_model(clone, "resolutions: [A/RES/ES-11/99]", name="broken_model"):
        failed = make(clone, "all")
    assert failed.returncode != 0
    assert "models.broken_model" in output(failed) and "A/RES/ES-11/99" in output(failed)
    assert not (clone / "results/models/broken_model/fit.json").exists()
    assert model_files(clone) == before


def test_a_changed_caption_reruns_that_figure_and_the_paper_alone(clone):
    assert make(clone, "all").returncode == 0
    report = clone / "results/report.html"
    built = report.stat().st_mtime_ns
    old = 'caption: "Votes and co-sponsors on each ES-11 resolution'
    new = 'caption: "Votes and co-sponsorships on each ES-11 resolution'
    with edited_config(clone, lambda text: text.replace(old, new, 1)):
        rerun = make(clone, "all")
    assert rerun.returncode == 0, output(rerun)[-3000:]
    jobs = planned_jobs(output(rerun))
    # The paper prints registry captions as macros of the numbers file, so that file is
    # rewritten too; nothing else runs.
    assert set(jobs) <= {("figure", "figure=vote_counts"), ("numbers", ""), ("paper", ""),
                         ("all", "")}, jobs
    assert ("figure", "figure=vote_counts") in jobs
    assert report.stat().st_mtime_ns > built, "the report missed a changed figure"
