"""Check the paper's sources before LaTeX runs, and its log after: a missing macro, figure,
table or bibliography entry stops the build with its name."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from abstention.errors import DataError

USED_MACRO = re.compile(r"\\([A-Z][A-Za-z]*)\{\}")
DEFINED_MACRO = re.compile(r"\\newcommand\{\\([A-Za-z]+)\}")
FILE_COMMAND = re.compile(r"\\(includegraphics|input)(?:\[[^\]]*\])?\{([^}]+)\}")
CITATION = re.compile(r"\\cite[tp]?\*?(?:\[[^\]]*\])?\{([^}]+)\}")
BIB_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")
LOG_PROBLEM = re.compile(r"(Citation|Reference) `([^']+)' on page \d+ undefined")
# pdfTeX derives the trailer /ID from the output's path and records each included PDF's path
# (PTEX.FileName), so the same sources built in two folders would give different bytes.
FOLDER_FREE_PDF = r"\pdftrailerid{}\pdfsuppressptexinfo=-1"


def referenced_files(main: Path) -> list[str]:
    """Every file the paper includes (`\\input`, `\\includegraphics`), in order: the paper
    defines its own inputs, so the workflow and the text cannot disagree about them."""
    files = []
    for command, target in FILE_COMMAND.findall(main.read_text(encoding="utf-8")):
        if command == "input" and not target.endswith(".tex"):
            target += ".tex"
        files.append(target)
    return list(dict.fromkeys(files))


def check_sources(main: Path, numbers: Path, bib: Path, root: Path) -> None:
    text = main.read_text(encoding="utf-8")
    defined = set(DEFINED_MACRO.findall(numbers.read_text(encoding="utf-8")))
    undefined = sorted(set(USED_MACRO.findall(text)) - defined)
    if undefined:
        raise DataError(main, "macros", f"every \\Name{{}} defined in {numbers}", undefined)
    for command, target in FILE_COMMAND.findall(text):
        if command == "input" and not target.endswith(".tex"):
            target += ".tex"
        if not (root / target).is_file():
            raise DataError(main, f"\\{command}", "an existing file", target)
    keys = set(BIB_KEY.findall(bib.read_text(encoding="utf-8")))
    cited = {k.strip() for group in CITATION.findall(text) for k in group.split(",")}
    missing = sorted(cited - keys)
    if missing:
        raise DataError(bib, "citations", "an entry for every cited key", missing)


def build_pdf(main: Path, bib: Path, output: Path, root: Path, source_date_epoch: int) -> str:
    """latexmk without shell escape, with a fixed date and no folder names in the output, so the
    same inputs give the same PDF wherever they are built."""
    build = output.parent / "build"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch), "FORCE_SOURCE_DATE": "1",
           "TEXINPUTS": f"{root}:", "BIBINPUTS": f"{bib.parent.resolve()}:"}
    result = subprocess.run(
        ["latexmk", "-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
         f"-usepretex={FOLDER_FREE_PDF}", f"-output-directory={build}", str(main)],
        cwd=root, env=env, capture_output=True, text=True,
    )
    log_path = build / f"{main.stem}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    if result.returncode != 0:
        errors = [line for line in log.splitlines() if line.startswith("!")]
        raise DataError(main, "latexmk", "a clean LaTeX run",
                        "; ".join(errors) or result.stdout[-1500:])
    problems = sorted(set(LOG_PROBLEM.findall(log)))
    if problems:
        raise DataError(log_path, "references", "no undefined citations or references",
                        problems)
    shutil.copy(build / f"{main.stem}.pdf", output)
    return log
