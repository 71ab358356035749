"""The Korean report on the whole mirror leaves no English label behind.

The check is derived from the English catalogue (``report.i18n.MESSAGES``): no English
message that has a different Korean one may appear in the Korean page, and every heading,
table header, coverage label, card label and chart title or axis must be Korean (or a
catalogue entry that is the same in both languages, such as SHA-256). Data (organisation
and venue names, ISO codes, ids, numbers) is not a label and is not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from talentflow.graph.store import Store
from talentflow.report.data import Filters
from talentflow.report.i18n import MESSAGES
from talentflow.report.page import write_report

HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: Elements whose text is a label (not data), and the class of a card's label.
LABEL_TAGS = frozenset({"h1", "h2", "h3", "th", "dt", "summary"})
SAME_IN_BOTH = frozenset(m["en"] for m in MESSAGES.values() if m["en"] == m["ko"])


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.labels: list[str] = []
        self.figures = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not data.strip() or not self.stack:
            return
        tag, attrs = self.stack[-1]
        if tag == "script" and attrs.get("id") == "tf-figures":
            self.figures += data
        elif tag in ("script", "style"):
            return
        else:
            self.text.append(data)
            if tag in LABEL_TAGS or attrs.get("class") == "label":
                self.labels.append(data)
            elif tag == "li" and ":" in data:  # coverage: 'label: count'
                self.labels.append(data.split(":")[0])


def _strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def _chart_labels(figures: dict[str, Any]) -> Iterator[str]:
    """Chart titles and axis and legend titles (their ``text``)."""
    for fig in figures.values():
        layout = fig.get("layout", {})
        for part in ("title", "xaxis", "yaxis", "legend", "coloraxis"):
            value = layout.get(part) or {}
            title = value if part == "title" else value.get("title") or {}
            text = title.get("text") if isinstance(title, dict) else title
            if text:
                yield str(text)


def english_fragments() -> Iterator[tuple[str, str]]:
    """(key, English words) of every catalogue message whose Korean differs; words the
    Korean message writes too (a proper noun such as NeurIPS) are not English labels."""
    for key, message in MESSAGES.items():
        if message["en"] == message["ko"]:
            continue
        for part in re.split(r"\{[^}]*\}", message["en"]):
            part = part.strip(" .,:;()·-–")
            if re.search(r"[A-Za-z]{3,}", part) and part not in message["ko"]:
                yield key, part


@pytest.fixture(scope="module")
def korean_page(mirror_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> _Page:
    from talentflow.graph.store import open_store

    out = tmp_path_factory.mktemp("ko") / "report-ko.html"
    with open_store(mirror_store_path, read_only=True) as store:
        _write(store, out)
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    return page


def _write(store: Store, out: Path) -> None:
    write_report(store, out, Filters(venue="nips", year=2021, country="KR"), "ko")


@pytest.mark.slow
def test_no_english_catalogue_message_in_the_korean_report(korean_page: _Page) -> None:
    figures = json.loads(korean_page.figures.replace("<\\/", "</"))
    shown = "\n".join([*korean_page.text, *(s for _, s in _strings(figures))])
    left = {
        key: words
        for key, words in english_fragments()
        if re.search(rf"(?<![A-Za-z]){re.escape(words)}(?![A-Za-z])", shown)
    }
    assert not left, f"English labels in the Korean report: {left}"


@pytest.mark.slow
def test_every_label_and_chart_title_of_the_korean_report_is_korean(korean_page: _Page) -> None:
    figures = json.loads(korean_page.figures.replace("<\\/", "</"))
    labels = [*korean_page.labels, *_chart_labels(figures)]
    assert len(labels) > 30  # headings, table headers, coverage, cards and charts were read
    english = sorted(
        {x.strip() for x in labels if not HANGUL.search(x) and x.strip() not in SAME_IN_BOTH}
    )
    assert not english, f"labels not in Korean: {english}"


@pytest.mark.parametrize("name", ["pipeline", "migration", "orgflows", "census", "country"])
def test_an_empty_section_explains_itself_in_korean(name: str) -> None:
    """Where an indicator has nothing to draw, its English method note (which says why) is
    shown in English pages only; a Korean page gives the Korean summary instead."""
    from talentflow.report import render
    from talentflow.report.data import Outcome, ViewData

    english = "No accepted authors of nips 1999 have a country (coverage 0 of 12)."
    empty = Outcome("empty", {"method": english, "n": 0})
    none = Outcome("empty", None)
    outcomes = {k: none for k in ("pipeline", "migration", "orgflows", "census", "country")}
    view = ViewData(
        filters=Filters(venue="nips", year=1999, country="KR"),
        headline={},
        provenance={},
        **{**outcomes, name: empty},
    )
    section = getattr(render, f"{name}_section")
    assert english in section(view, "en").html
    korean = section(view, "ko").html
    assert english not in korean
    assert HANGUL.search(korean.split("</p>", 1)[-1])  # the note after the 'unavailable' line


@pytest.mark.parametrize(
    ("source", "korean"),
    [("paperlists", "논문 목록"), ("papercopilot_openreview", "보관본")],
)
def test_the_build_runs_name_their_source_in_the_pages_language(source: str, korean: str) -> None:
    from talentflow.report.render import _table

    runs = [{"run_id": "r1", "source": source, "files_seen": 3}]
    assert korean in _table(runs, "ko")
    assert source not in _table(runs, "ko")
    assert "Paper Copilot" in _table(runs, "en")
