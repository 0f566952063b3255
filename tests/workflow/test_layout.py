"""The package reads as the pipeline: each stage imports only from stages below it and from
the shared modules, never upwards, so a change to the paper cannot reach the ingest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "abstention"
STAGES = ("ingest", "features", "panel", "models", "outputs")
SHARED = (
    "errors", "logs", "labels", "schemas", "table_schemas", "variables", "vote_codes",
)  # fmt: skip
SCRIPTS = PACKAGE.parents[1] / "workflow" / "scripts"
# The scripts of the rules after the ingest stage that build features.
FEATURE_SCRIPTS = ("build_features", "build_ties", "classify_texts")


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
    assert loose == {"archive", "benchmark", "code_deps", "config_check",
                     "workflow_environment"}


def test_an_upward_import_is_found(tmp_path):
    planted = tmp_path / "build.py"
    planted.write_text("from abstention.outputs.latex import escape\n")
    assert upward_imports(planted, "features") == ["abstention.outputs.latex",
                                                   "abstention.outputs.latex.escape"]


def raw_reads(path: Path) -> list[str]:
    """Imports of a reader function (`read_*`) or of the R-file reader, and literal paths into
    data/raw or data/hand: what a module or script of a stage after the ingest must not hold."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names
                      if alias.name.startswith("read_")]
            if node.module.endswith("readers.rdata"):
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith(("data/raw", "data/hand")):
                found.append(node.value)
    return found


def test_features_read_only_ingest_tables():
    files = [*(PACKAGE / "features").rglob("*.py"),
             *(SCRIPTS / f"{name}.py" for name in FEATURE_SCRIPTS)]
    offenders = {path.name: raw_reads(path) for path in files}
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize("planted", [
    "from abstention.ingest.readers.sipri import read_sipri\n",
    "from pathlib import Path\nRAW = Path('data/raw') / 'sipri_arms'\n",
    "import pandas as pd\nties = pd.read_csv('data/hand/security_ties_2022.csv')\n",
])
def test_a_raw_read_in_features_is_found(tmp_path, planted):
    module = tmp_path / "planted.py"
    module.write_text(planted)
    assert raw_reads(module) != []
