"""Helpers of benchmarks/run: timing, Snakemake's per-rule benchmark files, the report.

Speed is measured by that script, never by timed tests; what is here is the part a test can
check without timing anything.
"""

import csv
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from abstention.errors import DataError

# The speed and memory targets; ratios are to the floor (scientific stack import, ingest jobs
# and latexmk of the finished paper), measured in the same run.
MEMORY_LIMIT_MB = 2048
NOOP_LIMIT_RATIO = 1.5
COLD_LIMIT_OVER_FLOOR = 8.0
MODEL_EDIT_LIMIT_OVER_FLOOR = 1.0
FIGURE_EDIT_LIMIT_OVER_FLOOR = 0.7
COLD_WITHOUT_STAGE_LIMIT_SECONDS = 30.0
STAGE_LIMIT_SECONDS = 60.0
STAGE_SPEEDUP_MINIMUM = 1.8
# The within-state design on the full record: the panel job, then one fit, its wild bootstrap
# and its randomisation test (`abstention.models.within_timing`), at 2 cores.
PANEL_JOB = "state_text_panel"
WITHIN_LIMITS_SECONDS = {"panel": 10.0, "within_fit": 1.0, "within_wild_bootstrap": 10.0,
                         "within_randomisation": 30.0}
RULE_BENCHMARK_COLUMNS = ("s", "max_rss", "cpu_time")


def run_timed(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of one command; a failed command stops the benchmark with its output."""
    started = time.perf_counter()
    result = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        output = (result.stderr or result.stdout)[-3000:]
        raise DataError(cwd, " ".join(command), "exit status 0",
                        f"exit status {result.returncode}: {output}")
    return seconds


def median_seconds(samples: Sequence[float]) -> float:
    if not samples:
        raise ValueError("no samples to take the median of")
    return round(statistics.median(samples), 3)


def present_rules(list_rules_output: str, candidates: Sequence[str]) -> list[str]:
    """The candidate rules the workflow defines, from the output of `snakemake --list-rules`."""
    defined = {line.strip() for line in list_rules_output.splitlines() if line.strip()}
    return [rule for rule in candidates if rule in defined]


@contextmanager
def edited(path: Path, change) -> Iterator[None]:
    """The file with its text passed through `change`; afterwards its text and mtime as before,
    so Snakemake's mtime trigger does not see the restore as a further edit."""
    original = path.read_bytes()
    stat = path.stat()
    path.write_text(change(original.decode("utf-8")), encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def read_rule_benchmark(path: Path) -> dict[str, float | None]:
    """Wall seconds, peak resident memory (MB) and CPU seconds of one job's benchmark file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if not rows or any(column not in rows[-1] for column in RULE_BENCHMARK_COLUMNS):
        raise DataError(path, "header", f"a row with columns {', '.join(RULE_BENCHMARK_COLUMNS)}",
                        list(rows[-1]) if rows else "no rows")
    row = rows[-1]
    values: dict[str, float | None] = {}
    for column in RULE_BENCHMARK_COLUMNS:
        text = row[column].strip()
        try:
            values[column] = None if text in {"", "NA", "-"} else float(text)
        except ValueError:
            raise DataError(path, column, "a number or NA", text) from None
    return {"seconds": values["s"], "max_rss_mb": values["max_rss"],
            "cpu_seconds": values["cpu_time"]}


def rule_profile(folder: Path) -> dict[str, dict[str, float | None]]:
    """Every job's benchmark under `folder`, by job name (rule, then its wildcards)."""
    return {path.stem: read_rule_benchmark(path) for path in sorted(folder.glob("*.tsv"))}


def merge_profiles(profiles: Sequence[dict[str, dict[str, float | None]]]) -> list[dict]:
    """One row per job over repeated runs: median seconds, the largest peak memory.

    A job whose memory Snakemake could not sample (it ended too fast) keeps None and is
    counted in `memory_unmeasured`, not taken as zero."""
    jobs = sorted({job for profile in profiles for job in profile})
    merged = []
    for job in jobs:
        runs = [profile[job] for profile in profiles if job in profile]
        seconds = [run["seconds"] for run in runs if run["seconds"] is not None]
        cpu = [run["cpu_seconds"] for run in runs if run["cpu_seconds"] is not None]
        memory = [run["max_rss_mb"] for run in runs if run["max_rss_mb"] is not None]
        merged.append({
            "job": job,
            "runs": len(runs),
            "seconds": median_seconds(seconds) if seconds else None,
            "cpu_seconds": median_seconds(cpu) if cpu else None,
            "max_rss_mb": round(max(memory), 1) if memory else None,
            "memory_unmeasured": len(runs) - len(memory),
        })
    return sorted(merged, key=lambda row: -(row["seconds"] or 0))


def machine() -> dict:
    """The machine the numbers come from."""
    cpu_model = platform.processor() or None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu_model = names[0] if names else cpu_model
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = next(line for line in meminfo.read_text().splitlines()
                     if line.startswith("MemTotal"))
        memory_gb = round(int(total.split()[1]) / 1024**2, 1)
    return {
        "cpu_model": cpu_model,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "snakemake": metadata.version("snakemake"),
        "platform": platform.platform(),
    }


def _limit(limit: float, value: float | None) -> dict:
    return {"limit": limit, "value": value, "met": value is not None and value <= limit}


def checks(measures: dict, jobs: list[dict], floor: float) -> dict[str, dict]:
    """The project's speed and memory targets against what was measured; the targets of a
    measure that was not taken (no resampling stage, a failed run) are left out."""
    def seconds(name):
        return measures[name]["seconds"] if name in measures else None

    over_memory = [job["job"] for job in jobs
                   if job["max_rss_mb"] is not None and job["max_rss_mb"] > MEMORY_LIMIT_MB]
    timed = {}
    for name, limit in (("cold", COLD_LIMIT_OVER_FLOOR),
                        ("model_edit", MODEL_EDIT_LIMIT_OVER_FLOOR),
                        ("figure_edit", FIGURE_EDIT_LIMIT_OVER_FLOOR)):
        if name in measures:
            timed[f"{name}_over_floor"] = _limit(limit, round(seconds(name) / floor, 2))
    if "cold_without_stage" in measures:
        timed["cold_without_stage_seconds"] = _limit(COLD_WITHOUT_STAGE_LIMIT_SECONDS,
                                                     seconds("cold_without_stage"))
    if "stage_cores_1" in measures and "stage_cores_2" in measures:
        one, two = seconds("stage_cores_1"), seconds("stage_cores_2")
        timed["stage_seconds_at_2_cores"] = _limit(STAGE_LIMIT_SECONDS, two)
        timed["stage_speedup_1_to_2_cores"] = {"limit": STAGE_SPEEDUP_MINIMUM,
                                               "value": round(one / two, 2),
                                               "met": one >= STAGE_SPEEDUP_MINIMUM * two}
    panel = next((job["seconds"] for job in jobs if job["job"] == PANEL_JOB), None)
    within = {"panel": panel, **{name: seconds(name) for name in WITHIN_LIMITS_SECONDS
                                 if name != "panel"}}
    for name, value in within.items():
        if value is not None:
            timed[f"{name}_seconds"] = _limit(WITHIN_LIMITS_SECONDS[name], value)
    noop, bare = seconds("noop"), seconds("bare_noop")
    return {**timed,
        "noop_over_bare": {"limit": NOOP_LIMIT_RATIO, "value": round(noop / bare, 2),
                           "met": noop <= NOOP_LIMIT_RATIO * bare},
        "job_memory_mb": {"limit": MEMORY_LIMIT_MB,
                          "value": max((job["max_rss_mb"] for job in jobs
                                        if job["max_rss_mb"] is not None), default=None),
                          "met": not over_memory, "over": over_memory},
    }


def with_floor_ratios(measures: dict, floor_seconds: float) -> dict:
    """Each measure with its median as a multiple of the floor."""
    return {name: {**measure, "over_floor": round(measure["seconds"] / floor_seconds, 2)}
            for name, measure in measures.items()}


def _number(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(report: dict) -> str:
    """The report as Markdown tables: measures, targets, then the per-job profile."""
    lines = [
        f"# Workflow benchmark ({report['started']})",
        "",
        f"Machine: {report['machine']['cpu_model']}, {report['machine']['cores']} cores, "
        f"{report['machine']['memory_gb']} GB; Python {report['machine']['python']}, "
        f"Snakemake {report['machine']['snakemake']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in report['machine']['load_average'] or [])}.",
        f"Median of {report['repeat']} run(s); targets: {' '.join(report['targets']) or 'default'}"
        f"; stage rules: {', '.join(report['stage_rules']) or 'none'}.",
        "",
        "| measure | median s | runs (s) | × floor |",
        "|---|---:|---|---:|",
    ]
    for measure in report["measures"].values():
        runs = ", ".join(f"{s:.2f}" for s in measure["runs"])
        lines.append(f"| {measure['label']} | {measure['seconds']:.2f} | {runs} | "
                     f"{_number(measure.get('over_floor'))} |")
    parts = ", ".join(f"{name} {_number(seconds)} s"
                      for name, seconds in report["floor"]["parts"].items())
    lines += ["", f"Floor: {report['floor']['seconds']:.2f} s ({parts}; – not measured).",
              f"Resampling stage speed-up at 2 cores: {_number(report['stage_speedup'])}×.", "",
              "| target | limit | measured | met |", "|---|---:|---:|---|"]
    for name, check in report["checks"].items():
        lines.append(f"| {name} | {check['limit']} | {_number(check['value'])} | "
                     f"{'yes' if check['met'] else 'NO'} |")
    for name, why in report.get("failed", {}).items():
        lines += ["", f"Failed, not measured: {name}: `...{why[-300:]}`"]
    lines += ["", "| job | median s | CPU s | max RSS MB |", "|---|---:|---:|---:|"]
    for job in report["jobs"]:
        lines.append(f"| {job['job']} | {_number(job['seconds'])} | "
                     f"{_number(job['cpu_seconds'])} | {_number(job['max_rss_mb'], 0)} |")
    return "\n".join(lines) + "\n"
