"""The HTML report opens on the study (title, question, hypotheses) and holds the paper, the
hypothesis table and every registered figure and table with its registry caption."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
TITLE = "Security ties to Russia and withheld support at the UN"
QUESTION = "Do security ties to a patron, here Russia, predict which UN member states withhold"
EXHIBITS = [("Figures", f"results/figures/{name}.png", entry["caption"])
            for name, entry in CONFIG["figures"]["registry"].items()]
EXHIBITS += [("Tables", f"results/tables/{name}.tex", entry["caption"])
             for name, entry in CONFIG["tables"]["registry"].items()]

pytestmark = pytest.mark.workflow


def page_variable(page: str, script_id: str):
    """The JSON value the report's page assigns in its `<script id=...>` block."""
    found = re.search(rf'<script id="{script_id}">\s*var \w+ = (.*?);\s*</script>', page, re.S)
    assert found, f"the report has no {script_id} block"
    return json.loads(found.group(1))


def plain(text: str) -> str:
    """Rendered HTML or a caption as plain text with single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(scope="module")
def report(workflow_results, snakemake_in_repo, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("report") / "report.html"
    built = snakemake_in_repo("--report", str(path))
    assert built.returncode == 0, built.stderr[-3000:]
    page = path.read_text(encoding="utf-8")
    return {name: page_variable(page, name) for name in ("workflow-desc", "results", "categories")}


def shown_in(report: dict, category: str) -> list[str]:
    return sorted(path for paths in report["categories"].get(category, {}).values()
                  for path in paths)


def test_description_opens_with_the_title_and_asks_the_question(report):
    description = report["workflow-desc"]
    assert f'<h1 class="title">{TITLE}</h1>' in description
    text = plain(description)
    assert QUESTION in text
    for entry in CONFIG["hypotheses"]["entries"].values():
        assert plain(entry["statement"]) in text


@pytest.mark.parametrize(("category", "path", "caption"), EXHIBITS,
                         ids=[path for _, path, _ in EXHIBITS])
def test_every_exhibit_has_its_registry_caption(report, category, path, caption):
    assert path in shown_in(report, category)
    assert plain(caption) in plain(report["results"][path]["caption"])


def test_figures_are_embedded_once_as_png(report):
    assert shown_in(report, "Figures") == sorted(
        f"results/figures/{name}.png" for name in CONFIG["figures"]["registry"])


def test_hypotheses_caption_explains_every_column(report, workflow_results):
    path = "results/models/hypotheses.csv"
    assert shown_in(report, "Hypotheses") == [path]
    named = set(re.findall(r'<tt class="docutils literal">(.*?)</tt>',
                           report["results"][path]["caption"]))
    columns = pd.read_csv(workflow_results / "models" / "hypotheses.csv", nrows=0).columns
    assert [column for column in columns if column not in named] == []


def test_the_paper_is_embedded_whole(report, workflow_results):
    path = "results/paper/paper.pdf"
    assert shown_in(report, "Paper") == [path]
    entry = report["results"][path]
    assert entry["mime_type"] == "application/pdf"
    embedded = base64.b64decode(entry["data_uri"].split("base64,", 1)[1])
    assert embedded == (workflow_results / "paper" / "paper.pdf").read_bytes()
