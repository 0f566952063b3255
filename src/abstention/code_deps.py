"""The package files a workflow script runs: the import closure of the script within the package.

Rules take these files as inputs, so editing a module reruns exactly the rules whose scripts
import it, directly or through other modules. Imports are read from the source with `ast`,
never executed, so the closure is computed cheaply while the workflow parses.
"""

from __future__ import annotations

import ast
import functools
import json
import os
from pathlib import Path

PACKAGE = "abstention"


def _module_file(module: str, source_root: Path) -> Path | None:
    """The file a dotted module name loads from, or None if it is not a module of the package."""
    base = source_root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path, source_root: Path) -> list[str]:
    """The dotted package a module file belongs to, as parts (a package's own for __init__)."""
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    return parts[:-1]


def _imported_modules(path: Path, source_root: Path) -> set[str]:
    """Every dotted module name the file imports, absolute or relative, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if not path.is_relative_to(source_root):
                    continue
                anchor = _package_of(path, source_root)
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            modules.add(base)
            # `from package import name` imports the submodule when `name` is one.
            modules.update(f"{base}.{alias.name}" for alias in node.names)
    return modules


class _ParsedImports:
    """The modules each file imports, kept in a JSON file between runs by the file's size and
    modification time: reading them back is what lets a run with nothing to do skip parsing every
    script and module again. Without a cache file, nothing is kept."""

    def __init__(self, cache: Path | None):
        self.cache, self.entries, self.changed = cache, {}, False
        if cache is not None and cache.is_file():
            try:
                self.entries = json.loads(cache.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def modules(self, path: Path, source_root: Path) -> set[str]:
        key = f"{path}\0{source_root}"
        stat = path.stat()
        signature = [stat.st_mtime_ns, stat.st_size]
        kept = self.entries.get(key)
        if isinstance(kept, list) and len(kept) == 2 and kept[0] == signature:
            return set(kept[1])
        found = _imported_modules(path, source_root)
        self.entries[key] = [signature, sorted(found)]
        self.changed = True
        return found

    def save(self) -> None:
        if self.cache is None or not self.changed:
            return
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache.with_name(f"{self.cache.name}.{os.getpid()}")
        partial.write_text(json.dumps(self.entries, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.cache)
        self.changed = False


@functools.cache
def _parsed_imports(cache: Path | None) -> _ParsedImports:
    return _ParsedImports(cache)


@functools.cache
def _direct_dependencies(path: Path, source_root: Path, package: str,
                         cache: Path | None = None) -> frozenset[Path]:
    found = set()
    for module in _parsed_imports(cache).modules(path, source_root):
        if module != package and not module.startswith(f"{package}."):
            continue
        parts = module.split(".")
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        for depth in range(1, len(parts) + 1):
            file = _module_file(".".join(parts[:depth]), source_root)
            if file is not None:
                found.add(file)
    return frozenset(found)


def import_closure(script: str | Path, source_root: str | Path = "src",
                   package: str = PACKAGE, cache: str | Path | None = None) -> list[str]:
    """Every file of `package` under `source_root` that `script` imports, directly or through
    other package modules, sorted; other packages are not followed. `cache`: a JSON file that
    keeps each file's imports between runs (see `_ParsedImports`)."""
    script, source_root = Path(script), Path(source_root)
    cache = None if cache is None else Path(cache)
    seen: set[Path] = set()
    pending = list(_direct_dependencies(script, source_root, package, cache))
    while pending:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        pending.extend(_direct_dependencies(file, source_root, package, cache) - seen)
    _parsed_imports(cache).save()
    return sorted(str(file) for file in seen)
