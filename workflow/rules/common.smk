from pathlib import Path


def package(*modules):
    """The package modules a rule's script relies on, so editing one reruns that rule."""
    return [f"src/abstention/{m}.py" for m in modules]


RAW_FILES = sorted(
    str(p)
    for p in Path("data/raw").rglob("*")
    if p.is_file() and p.name not in {"SHA256SUMS", "README.md"}
)
