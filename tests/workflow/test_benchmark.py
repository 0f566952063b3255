"""The benchmark script's helpers, and the workflow's parse staying free of the scientific stack.

No test here times anything: speed is measured by benchmarks/run.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from abstention.benchmark import (
    checks,
    edited,
    markdown,
    merge_profiles,
    present_rules,
    read_rule_benchmark,
    rule_profile,
    with_floor_ratios,
)
from abstention.errors import DataError

REPO = Path(__file__).resolve().parents[2]
HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
HEAVY_MODULES = ("pandas", "scipy", "statsmodels", "matplotlib", "sklearn", "pyarrow")


def write_benchmark(path: Path, seconds: str, max_rss: str, cpu: str = "1.0") -> Path:
    path.write_text(HEADER + f"{seconds}\t0:00:01\t{max_rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n",
                    encoding="utf-8")
    return path


def test_rule_benchmark_is_read_with_unsampled_memory_as_none(tmp_path):
    assert read_rule_benchmark(write_benchmark(tmp_path / "models.tsv", "12.5", "387.9")) == {
        "seconds": 12.5, "max_rss_mb": 387.9, "cpu_seconds": 1.0}
    assert read_rule_benchmark(write_benchmark(tmp_path / "fast.tsv", "0.1", "NA"))[
        "max_rss_mb"] is None


def test_rule_benchmark_without_its_columns_names_the_file(tmp_path):
    bad = tmp_path / "panel.tsv"
    bad.write_text("seconds\tmemory\n1\t2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"panel\.tsv \[header\]"):
        read_rule_benchmark(bad)
    write_benchmark(bad, "1.0", "a lot")
    with pytest.raises(DataError, match=r"\[max_rss\].*'a lot'"):
        read_rule_benchmark(bad)


def test_profiles_merge_to_median_time_and_largest_memory(tmp_path):
    runs = []
    for seconds, memory in (("1.0", "100"), ("3.0", "NA"), ("2.0", "300")):
        folder = tmp_path / seconds
        folder.mkdir()
        write_benchmark(folder / "figure_vote_counts.tsv", seconds, memory)
        runs.append(rule_profile(folder))
    write_benchmark(tmp_path / "1.0" / "paper.tsv", "9.0", "50")
    runs[0] = rule_profile(tmp_path / "1.0")
    merged = merge_profiles(runs)
    assert [row["job"] for row in merged] == ["paper", "figure_vote_counts"]
    figure = merged[1]
    assert (figure["runs"], figure["seconds"], figure["max_rss_mb"],
            figure["memory_unmeasured"]) == (3, 2.0, 300.0, 1)


def test_stage_rules_are_those_the_workflow_lists():
    listed = "all\nbootstrap\nfeatures\nhypotheses\n"
    assert present_rules(listed, ("bootstrap", "hypotheses", "multiverse")) == [
        "bootstrap", "hypotheses"]


def test_edited_file_gets_back_its_text_and_mtime_even_after_a_failure(tmp_path):
    style = tmp_path / "style.py"
    style.write_text("WIDTH = 6\n", encoding="utf-8")
    os.utime(style, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(RuntimeError), edited(style, lambda text: text + "# edit\n"):
        assert style.read_text(encoding="utf-8") == "WIDTH = 6\n# edit\n"
        raise RuntimeError("the run failed")
    assert style.read_text(encoding="utf-8") == "WIDTH = 6\n"
    assert style.stat().st_mtime_ns == 1_000_000_000


def test_targets_flag_slow_noop_and_jobs_over_two_gigabytes():
    measures = {"noop": {"seconds": 1.6}, "bare_noop": {"seconds": 1.0}}
    jobs = [{"job": "models", "max_rss_mb": 2100.0}, {"job": "paper", "max_rss_mb": None},
            {"job": "within_RUS", "max_rss_mb": 1900.0}]
    result = checks(measures, jobs, 10.0)
    assert result["noop_over_bare"] == {"limit": 1.5, "value": 1.6, "met": False}
    assert result["job_memory_mb"]["over"] == ["models"]
    assert not result["job_memory_mb"]["met"]


def test_timing_targets_are_checked_when_measured_and_left_out_when_not():
    base = {"noop": {"seconds": 1.0}, "bare_noop": {"seconds": 0.8}}
    left_out = checks(base, [], 10.0)
    assert not {"cold_without_stage_seconds", "cold_over_floor", "panel_seconds",
                "within_randomisation_seconds"} & left_out.keys()
    measures = {**base, "cold_without_stage": {"seconds": 31.0}, "cold": {"seconds": 81.0},
                "model_edit": {"seconds": 9.0}, "figure_edit": {"seconds": 7.5},
                "stage_cores_1": {"seconds": 70.0}, "stage_cores_2": {"seconds": 40.0},
                "within_fit": {"seconds": 0.8}, "within_wild_bootstrap": {"seconds": 4.0},
                "within_randomisation": {"seconds": 45.0}}
    jobs = [{"job": "state_text_panel", "seconds": 3.0, "max_rss_mb": 900.0}]
    result = checks(measures, jobs, 10.0)
    assert result["cold_without_stage_seconds"] == {"limit": 30.0, "value": 31.0, "met": False}
    assert result["cold_over_floor"] == {"limit": 8.0, "value": 8.1, "met": False}
    assert result["model_edit_over_floor"]["met"]
    assert result["figure_edit_over_floor"] == {"limit": 0.7, "value": 0.75, "met": False}
    assert result["stage_seconds_at_2_cores"]["met"]
    assert result["stage_speedup_1_to_2_cores"] == {"limit": 1.8, "value": 1.75, "met": False}
    assert result["panel_seconds"] == {"limit": 10.0, "value": 3.0, "met": True}
    assert result["within_fit_seconds"]["met"] and result["within_wild_bootstrap_seconds"]["met"]
    assert result["within_randomisation_seconds"] == {"limit": 30.0, "value": 45.0,
                                                      "met": False}


def test_markdown_report_shows_measures_floor_and_jobs():
    measures = {"cold": {"label": "cold run", "runs": [60.0, 62.0, 61.0], "seconds": 61.0},
                "noop": {"label": "no-op", "runs": [1.0], "seconds": 1.0},
                "bare_noop": {"label": "bare no-op", "runs": [0.8], "seconds": 0.8}}
    jobs = [{"job": "models", "seconds": 30.0, "cpu_seconds": 29.0, "max_rss_mb": 400.0}]
    report = {
        "started": "2026-01-01T00:00:00+00:00",
        "machine": {"cpu_model": "CPU", "cores": 2, "memory_gb": 8.0, "python": "3.11",
                    "snakemake": "9", "load_average": [0.5, 0.5, 0.5]},
        "repeat": 3, "targets": [], "stage_rules": ["bootstrap"],
        "measures": with_floor_ratios(measures, 10.0),
        "floor": {"seconds": 10.0, "parts": {"import_stack": 0.5, "latexmk": None}},
        "stage_speedup": 1.8, "jobs": jobs, "checks": checks(measures, jobs, 10.0),
    }
    text = markdown(report)
    assert "| cold run | 61.00 | 60.00, 62.00, 61.00 | 6.10 |" in text
    assert "import_stack 0.50 s, latexmk – s" in text
    assert "| cold_over_floor | 8.0 | 6.10 | yes |" in text
    assert "| models | 30.00 | 29.00 | 400 |" in text


def test_workflow_parse_imports_no_scientific_stack():
    """Parsing the workflow must not pay for pandas or statsmodels: every package module the
    Snakefile and the rule files import, at the top or inside their functions, imports light."""
    sources = [REPO / "Snakefile", *sorted((REPO / "workflow/rules").glob("*.smk"))]
    modules = sorted({m for path in sources for m in re.findall(
        r"^\s*from (abstention[\w.]*) import", path.read_text(), flags=re.MULTILINE)})
    assert "abstention.models.specs" in modules and "abstention.code_deps" in modules
    probe = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
             + "print(' '.join(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in result.stdout.split()}
    assert not loaded & set(HEAVY_MODULES), sorted(loaded & set(HEAVY_MODULES))
