"""The code inputs of a rule are its script's import closure within the package."""

from __future__ import annotations

from pathlib import Path

from abstention import code_deps
from abstention.code_deps import import_closure


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def package(src: Path, modules: dict[str, str]) -> None:
    """A synthetic `abstention` package under `src`: module path -> source."""
    for name, text in {"__init__.py": "", **modules}.items():
        write(src / "abstention" / name, text)


def test_closure_of_a_synthetic_package(tmp_path):
    src = tmp_path / "src"
    package(src, {"a.py": "import numpy\nfrom abstention import b\n",
                  "b.py": "from .sub.c import thing\n", "sub/__init__.py": "",
                  "sub/c.py": "def thing():\n    from ..d import other\n",
                  "d.py": "import abstention.e\n", "e.py": "", "unused.py": ""})
    script = tmp_path / "scripts/run.py"
    write(script, "import json\nfrom abstention.a import name\n")

    closure = import_closure(script, src)

    expected = ["__init__.py", "a.py", "b.py", "d.py", "e.py", "sub/__init__.py", "sub/c.py"]
    assert closure == sorted(str(src / "abstention" / name) for name in expected)


def test_closure_ignores_other_packages_of_similar_name(tmp_path):
    src = tmp_path / "src"
    write(src / "abstention/__init__.py", "")
    write(src / "abstention_extra/__init__.py", "")
    script = tmp_path / "run.py"
    write(script, "import abstention_extra\n")
    assert import_closure(script, src) == []


def test_closure_of_the_features_script(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    closure = import_closure("workflow/scripts/build_features.py", "src")
    assert "src/abstention/features/build.py" in closure
    assert "src/abstention/features/__init__.py" in closure
    # The features read the ingest stage's tables: no raw reader is in their closure.
    assert "src/abstention/ingest/readers/sipri.py" not in closure
    assert "src/abstention/ingest/readers/cow.py" in closure
    assert not any(path.startswith(("src/abstention/outputs/", "src/abstention/models/"))
                   for path in closure)


def test_cached_closure_follows_edits(tmp_path):
    src = tmp_path / "src"
    package(src, {"a.py": "from abstention import b\n", "b.py": "", "c.py": ""})
    script = tmp_path / "run.py"
    write(script, "from abstention import a\n")
    cache = tmp_path / ".snakemake/imports.json"

    first = import_closure(script, src, cache=cache)
    assert first == import_closure(script, src)
    assert cache.is_file()
    write(src / "abstention/a.py", "from abstention import b, c\n")  # another size, another time
    # A fresh process has none of this one's memory: only the cache file can answer.
    code_deps._direct_dependencies.cache_clear()
    code_deps._parsed_imports.cache_clear()
    expected = sorted([*first, str(src / "abstention/c.py")])
    assert import_closure(script, src, cache=cache) == expected
