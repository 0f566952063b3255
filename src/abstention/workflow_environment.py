"""The environment every job of the workflow inherits, set while the workflow parses (so also
in each job that a cluster executor starts, which parses the workflow again)."""

import os

# pyfixest orders fixed effects through a set of their names, so the order in which it sweeps
# them out, and the last bits of every fixed-effects fit, follow Python's string hashing: one
# hash seed for every job keeps the outputs byte-identical between runs.
HASH_SEED = "0"


def fix_job_environment() -> None:
    os.environ["PYTHONHASHSEED"] = HASH_SEED
