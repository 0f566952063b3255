"""Build the replication archive: the files of the commit checked out, a manifest, checksums.

`make archive` runs this. It packs the commit (HEAD), never the working tree, so the archive
holds exactly what MANIFEST.json's commit names. Uncommitted changes to tracked files stop it,
because they would silently be missing; with --allow-dirty it still packs the commit, warns
that those changes are left out and lists them in MANIFEST.json. Untracked files are never
packed and do not stop it.

The same commit and the same SOURCE_DATE_EPOCH give the same bytes: names sorted, owner and
group 0, every file dated at the commit, gzip with neither file name nor timestamp.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "MANIFEST.json"
CHECKSUMS = "SHA256SUMS"
LISTED_FILES = 10


class ArchiveError(RuntimeError):
    """Why the archive was not built, worded so the user knows what to do next."""


@dataclass(frozen=True)
class TreeStatus:
    """What `git status` sees: tracked files with uncommitted changes (git's two-letter code
    and the path, `old -> new` for a rename) and untracked files that are not ignored."""

    changed: list[tuple[str, str]]
    untracked: list[str]


def git(repo: Path, *args: str) -> bytes:
    """Output of a git command; without optional locks, so reading never rewrites the index."""
    result = subprocess.run(["git", "--no-optional-locks", *args], cwd=repo, capture_output=True)
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        raise ArchiveError(f"`git {' '.join(args)}` in {repo} failed: {stderr}")
    return result.stdout


def tree_status(repo: Path) -> TreeStatus:
    fields = git(repo, "status", "--porcelain=v1", "-z").decode(errors="replace").split("\0")
    changed: list[tuple[str, str]] = []
    untracked: list[str] = []
    entries = iter(field for field in fields if field)
    for entry in entries:
        code, path = entry[:2], entry[3:]
        if code == "??":
            untracked.append(path)
            continue
        if "R" in code or "C" in code:
            path = f"{next(entries)} -> {path}"  # the source of a rename or copy comes next
        changed.append((code, path))
    return TreeStatus(changed, untracked)


def listing(lines: list[str], limit: int = LISTED_FILES) -> str:
    """The first `limit` lines, indented, then how many more: a long list stays readable."""
    shown = [f"  {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"  and {len(lines) - limit} more")
    return "\n".join(shown)


def changed_listing(status: TreeStatus) -> str:
    return listing([f"{code} {path}" for code, path in status.changed])


def refusal(commit: str, status: TreeStatus) -> str:
    return (
        f"{len(status.changed)} tracked file(s) have uncommitted changes, and the archive packs "
        f"commit {commit[:12]}, not the working tree, so they would be missing from it:\n"
        f"{changed_listing(status)}\n"
        "Commit them (or undo them) and run again, or pass --allow-dirty "
        "(make archive ALLOW_DIRTY=1) to pack the commit without them."
    )


def dirty_warning(commit: str, status: TreeStatus) -> str:
    return (
        f"WARNING: {len(status.changed)} tracked file(s) have uncommitted changes that are NOT "
        f"in the archive; it holds the files of commit {commit[:12]}:\n"
        f"{changed_listing(status)}\n"
        f"{MANIFEST} records dirty: true and these files."
    )


def untracked_note(status: TreeStatus) -> str:
    return (
        f"note: {len(status.untracked)} untracked path(s) are not in the archive "
        f"(commit them if the replication needs them):\n{listing(status.untracked)}"
    )


def build_date() -> str:
    """Now in UTC, ISO 8601; SOURCE_DATE_EPOCH, when set, fixes it so a rebuild is identical."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        seconds = int(value)
    except ValueError:
        raise ArchiveError(
            f"SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01 UTC; found {value!r}"
        ) from None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def commit_files(repo: Path, commit: str) -> dict[str, tuple[int, bytes]]:
    """Path -> (mode, content) of every file of the commit, read from `git archive`, so the
    working tree plays no part."""
    files: dict[str, tuple[int, bytes]] = {}
    with tarfile.open(fileobj=io.BytesIO(git(repo, "archive", "--format=tar", commit))) as tar:
        for member in tar:
            if member.isdir():
                continue
            if not member.isfile():
                found = "a symbolic link" if member.issym() else f"tar entry type {member.type!r}"
                raise ArchiveError(f"{member.name} in commit {commit[:12]}: expected a regular "
                                   f"file, the only kind the archive packs; found {found}")
            mode = 0o755 if member.mode & 0o100 else 0o644
            files[member.name] = (mode, tar.extractfile(member).read())
    return files


def checksums(files: dict[str, tuple[int, bytes]]) -> bytes:
    """`sha256sum` format, sorted by path, so `sha256sum -c SHA256SUMS` checks the unpacked tree."""
    return "".join(f"{hashlib.sha256(content).hexdigest()}  {path}\n"
                   for path, (_, content) in sorted(files.items())).encode()


def write_tar_gz(target: Path, folder: str, files: dict[str, tuple[int, bytes]],
                 mtime: int) -> None:
    """Same files, same bytes: sorted names, one mtime, gzip without name or timestamp.
    TarInfo's owner and group are 0 and unnamed unless set."""
    with (target.open("wb") as raw,
          gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as zipped,
          tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar):
        for path in sorted(files):
            mode, content = files[path]
            info = tarfile.TarInfo(f"{folder}/{path}")
            info.size, info.mode, info.mtime = len(content), mode, mtime
            tar.addfile(info, io.BytesIO(content))


def build(start: Path, out: Path, name: str, allow_dirty: bool) -> Path:
    """Write `<out>/<name>.tar.gz` and its `.sha256`; return the archive's path."""
    repo = Path(git(start, "rev-parse", "--show-toplevel").decode().strip())
    commit = git(repo, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    built_at = build_date()
    status = tree_status(repo)
    if status.untracked:
        print(untracked_note(status), file=sys.stderr)
    if status.changed and not allow_dirty:
        raise ArchiveError(refusal(commit, status))
    if status.changed:
        print(dirty_warning(commit, status), file=sys.stderr)

    files = commit_files(repo, commit)
    clashing = sorted({MANIFEST, CHECKSUMS} & files.keys())
    if clashing:
        raise ArchiveError(f"{', '.join(clashing)} in commit {commit[:12]}: expected no tracked "
                           "file of that name at the top, where the archive writes its own")
    manifest = {
        "name": name,
        "commit": commit,
        "describe": git(repo, "describe", "--always", "--dirty").decode().strip(),
        "contents": "the files of the commit; uncommitted changes (dirty_files) are not in it",
        "dirty": bool(status.changed),
        "dirty_files": [path for _, path in status.changed],
        "build_date": built_at,
        "committed_files": len(files),
    }
    files[MANIFEST] = (0o644, (json.dumps(manifest, indent=2) + "\n").encode())
    files[CHECKSUMS] = (0o644, checksums(files))
    commit_time = int(git(repo, "show", "--no-patch", "--format=%ct", commit).decode())

    out.mkdir(parents=True, exist_ok=True)
    archive = out / f"{name}.tar.gz"
    beside = out / f"{archive.name}.sha256"
    beside.unlink(missing_ok=True)
    partial = out / f".{archive.name}.partial"
    try:
        write_tar_gz(partial, name, files, commit_time)
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    with archive.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    beside.write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
    return archive


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m abstention.archive",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/archive"),
                        help="folder of <name>.tar.gz and <name>.tar.gz.sha256")
    parser.add_argument("--name", default="abstention-replication",
                        help="the archive's file name and its top folder")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="pack the commit despite uncommitted changes to tracked files; "
                             "they are left out and listed in MANIFEST.json")
    args = parser.parse_args(argv)
    if args.name in {"", ".", ".."} or "/" in args.name:
        parser.error(f"--name: expected a plain file name; found {args.name!r}")
    try:
        archive = build(Path.cwd(), args.out.resolve(), args.name, args.allow_dirty)
    except ArchiveError as err:
        sys.exit(f"archive not built: {err}")
    print(f"{archive} ({archive.name}.sha256 beside it)")


if __name__ == "__main__":
    main()
