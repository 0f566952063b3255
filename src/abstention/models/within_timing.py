"""The within-state design's costly steps, timed one by one on the full-record panel for
`benchmarks/run`: one fit, its wild cluster bootstrap, its randomisation test.

Run as `python -m abstention.models.within_timing PANEL CONFIG PERMUTATIONS`; it prints one
JSON object of seconds. The fit timed is the main design and tie of the first patron of
`within.ties` on the first outcome of `within.randomisation.outcomes`, as the workflow fits it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from abstention.models.within import (
    bootstrap_weights,
    fixed_effect_codes,
    partial_out,
    randomisation_p,
    wild_interval,
    wild_p,
    within_sample,
)


def within_timings(panel: pd.DataFrame, settings: dict, permutations: int) -> dict:
    """Seconds of each step, with the sizes it ran on."""
    patron = next(iter(settings["ties"]))
    outcome = settings["randomisation"]["outcomes"][0]
    sample, _ = within_sample(panel, patron, settings["main_tie"], outcome,
                              settings["period_years"])
    absorb = settings["designs"][settings["main_design"]]
    boot, ri = settings["bootstrap"], settings["randomisation"]
    started = time.perf_counter()
    codes = fixed_effect_codes(sample, absorb)
    part = partial_out(sample, codes)
    fitted = time.perf_counter()
    weights = bootstrap_weights(boot["weights"], boot["draws"], part.clusters,
                                np.random.default_rng(boot["seed"]))
    wild_p(part, 0.0, weights)
    wild_interval(part, weights)
    bootstrapped = time.perf_counter()
    randomisation_p(sample, part, codes, permutations, ri["batch"],
                    np.random.default_rng(ri["seed"]))
    permuted = time.perf_counter()
    return {"patron": patron, "outcome": outcome, "rows": len(sample),
            "states": part.clusters, "draws": len(weights), "permutations": permutations,
            "fit_seconds": round(fitted - started, 3),
            "wild_bootstrap_seconds": round(bootstrapped - fitted, 3),
            "randomisation_seconds": round(permuted - bootstrapped, 3)}


def main() -> None:
    panel, config, permutations = sys.argv[1:4]
    settings = yaml.safe_load(Path(config).read_text(encoding="utf-8"))["within"]
    print(json.dumps(within_timings(pd.read_parquet(panel), settings, int(permutations))))


if __name__ == "__main__":
    main()
