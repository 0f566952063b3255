"""The package reads as the pipeline: each stage imports only from stages below it and from
the shared modules, never upwards, so a change to the paper cannot reach the ingest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "abstention"
STAGES = ("ingest", "features", "models", "outputs")
SHARED = ("errors", "logs", "labels", "schemas", "table_schemas", "vote_codes")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("abstention.")}


def layer_of(module: str) -> str:
    return module.split(".")[1]


def upward_imports(path: Path, own: str) -> list[str]:
    """Imports of a later stage (or, from a shared module, of any stage)."""
    allowed = set(STAGES[: STAGES.index(own) + 1]) if own in STAGES else set()
    return sorted(m for m in imports_of(path)
                  if layer_of(m) in STAGES and layer_of(m) not in allowed)


@pytest.mark.parametrize("stage", STAGES)
def test_stages_import_only_downwards(stage):
    offenders = {str(path.relative_to(PACKAGE)): upward_imports(path, stage)
                 for path in (PACKAGE / stage).rglob("*.py")}
    assert {path: found for path, found in offenders.items() if found} == {}


@pytest.mark.parametrize("module", SHARED)
def test_shared_modules_import_no_stage(module):
    assert upward_imports(PACKAGE / f"{module}.py", "shared") == []


def test_every_module_sits_in_a_stage_or_is_shared():
    loose = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", *SHARED}
    assert loose == {"archive", "benchmark", "code_deps", "config_check"}


def test_an_upward_import_is_found(tmp_path):
    planted = tmp_path / "build.py"
    planted.write_text("from abstention.outputs.latex import escape\n")
    assert upward_imports(planted, "features") == ["abstention.outputs.latex",
                                                   "abstention.outputs.latex.escape"]
