"""The package files a workflow script runs: the import closure of the script within the package.

Rules take these files as inputs, so editing a module reruns exactly the rules whose scripts
import it, directly or through other modules. Imports are read from the source with `ast`,
never executed, so the closure is computed cheaply while the workflow parses.
"""

from __future__ import annotations

import ast
import functools
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


@functools.cache
def _direct_dependencies(path: Path, source_root: Path, package: str) -> frozenset[Path]:
    found = set()
    for module in _imported_modules(path, source_root):
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
                   package: str = PACKAGE) -> list[str]:
    """Every file of `package` under `source_root` that `script` imports, directly or through
    other package modules, sorted; other packages are not followed."""
    script, source_root = Path(script), Path(source_root)
    seen: set[Path] = set()
    pending = list(_direct_dependencies(script, source_root, package))
    while pending:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        pending.extend(_direct_dependencies(file, source_root, package) - seen)
    return sorted(str(file) for file in seen)
