"""report.html: the page ``ComparisonResult.save`` writes, parsed with the standard library."""

import base64
import io
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from sklearn_imbal.compare import compare_techniques

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """What a browser would see: the tags, the text, the scores table and the images."""

    def __init__(self, html):
        super().__init__()  # convert_charrefs: text and attributes come unescaped
        self.tags, self.texts, self.images, self.attributes = [], [], [], []
        self.headers, self.rows = [], []  # of the scores table: (key, classes), cells
        self.verdict = None
        self._in = []  # open elements as (tag, class)
        self.feed(html)
        self.close()

    def _inside(self, tag, cls=None):
        return any(t == tag and (cls is None or cls in (c or "").split()) for t, c in self._in)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.attributes.extend(v for v in attrs.values() if v is not None)
        if tag == "img":
            self.images.append(attrs)
            return  # void element
        if self._inside("table", "scores"):
            if tag == "th":
                key = (attrs.get("title") or "").split(",")[0]
                self.headers.append((key, attrs.get("class", "").split()))
            elif tag == "tr" and self._inside("tbody"):
                self.rows.append({"technique": attrs.get("data-technique"),
                                  "classes": attrs.get("class", "").split(), "cells": []})
            elif tag == "td":
                self.rows[-1]["cells"].append({"text": "",
                                               "classes": attrs.get("class", "").split()})
        if tag == "p" and "verdict" in attrs.get("class", "").split():
            self.verdict = ""
        if tag not in ("meta", "br"):
            self._in.append((tag, attrs.get("class")))

    def handle_endtag(self, tag):
        while self._in:
            if self._in.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.texts.append(data)
        if self._inside("td") and self._inside("tbody"):
            self.rows[-1]["cells"][-1]["text"] += data
        if self._inside("p", "verdict"):
            self.verdict += data

    @property
    def text(self):
        return "".join(self.texts)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A binary tabular comparison (2 techniques + baseline, 3 folds) and its saved files."""
    X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    result = compare_techniques(X, y, cv=3, progress=False,
                                techniques=["class_weight", "threshold", "augmentation"])
    written = result.save(tmp_path_factory.mktemp("report"))
    return result, written


def test_save_writes_report_html(saved):
    result, written = saved
    assert written["html"].name == "report.html"
    html = written["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html == result.to_html()  # the same page, same images


def test_table_has_every_technique_in_ranking_order_with_its_scores(saved):
    result, written = saved
    page = Page(written["html"].read_text(encoding="utf-8"))
    table = result.table
    assert [row["technique"] for row in page.rows] == result.ranking == list(table.index)
    # '#', 'technique', then one column per metric of the fold scores: all of them.
    keys = [key for key, _ in page.headers[2:]]
    assert sorted(keys) == sorted(result.summary("baseline"))
    for rank, row in enumerate(page.rows, start=1):
        cells = [cell["text"] for cell in row["cells"]]
        assert cells[0] == str(rank)
        assert cells[1] == result.labels[row["technique"]]
        for key, text in zip(keys, cells[2:]):
            digits = 1 if key == "fit_time" else 3
            mean, sd = table.loc[row["technique"], [f"{key}_mean", f"{key}_sd"]]
            assert (mean, sd) == result.summary(row["technique"])[key]
            assert text == f"{mean:.{digits}f}± {sd:.{digits}f}"
    # The ranking metric is the highlighted column, in the header and every row; the
    # winner's row is marked.
    highlighted = [i for i, (_, classes) in enumerate(page.headers) if "rank-by" in classes]
    assert [page.headers[i][0] for i in highlighted] == [result.rank_by]
    for row in page.rows:
        assert [i for i, c in enumerate(row["cells"]) if "rank-by" in c["classes"]] == highlighted
    assert [row["classes"] for row in page.rows] == [["best"]] + [[]] * (len(page.rows) - 1)


def test_page_holds_the_verdict_data_and_skipped_techniques(saved):
    result, written = saved
    page = Page(written["html"].read_text(encoding="utf-8"))
    assert page.verdict == result.recommendation
    text = " ".join(page.text.split())
    assert "300" in text and "269 (89.7%)" in text and "31 (10.3%)" in text
    assert "3-fold stratified cross-validation" in text and "LogisticRegression" in text
    reason = " ".join(result.skipped["augmentation"].split())
    assert f"{result.labels['augmentation']}: {reason}" in text


def test_images_are_the_saved_pngs_inlined(saved):
    from PIL import Image

    result, written = saved
    page = Page(written["html"].read_text(encoding="utf-8"))
    assert len(page.images) == 2  # binary: PR curves and the threshold curve
    for attrs, kind in zip(page.images, ("pr_curves", "threshold_curve")):
        prefix = "data:image/png;base64,"
        assert attrs["src"].startswith(prefix)
        png = base64.b64decode(attrs["src"][len(prefix):], validate=True)
        assert png[:8] == PNG_SIGNATURE
        assert png == written[kind].read_bytes()
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG"
            assert image.size == {"pr_curves": (1210, 660), "threshold_curve": (880, 550)}[kind]


def test_page_is_self_contained(saved):
    _, written = saved
    html = written["html"].read_text(encoding="utf-8")
    page = Page(html)
    assert "http://" not in html and "https://" not in html
    assert not {"script", "link", "iframe", "object"} & set(page.tags)
    sources = [value for value in page.attributes if value.startswith(("data:", "file:", "//"))]
    assert sources and all(value.startswith("data:image/png;base64,") for value in sources)


def test_user_strings_escaped_and_page_written_without_matplotlib(tmp_path, monkeypatch):
    """Class labels, column names and notes reach the page as text, never as markup; a
    multiclass comparison has one plot; without matplotlib the page says why it has none."""
    rng = np.random.default_rng(0)
    X, y = make_classification(n_samples=150, n_classes=3, n_informative=4,
                               weights=[0.7, 0.2], random_state=0)
    names = np.array(["<script>alert(1)</script>", "a & b", "plain"])
    frame = pd.DataFrame(X[:, :4], columns=["<b>bold</b>", "x1", "x2", "x3"])
    frame['"><img src=x>'] = [f"v{i}" for i in rng.permutation(150)]  # many values: a note
    result = compare_techniques(frame, names[y], cv=2, progress=False,
                                techniques=["class_weight"])
    assert any('"><img src=x>' in note for note in result.info["notes"])
    html = result.to_html()
    page = Page(html)
    for raw in ("<script>alert(1)</script>", "<b>bold</b>", '"><img src=x>'):
        assert raw not in html  # not markup ...
        assert raw in page.text  # ... but shown as written
    assert "a &amp; b" in html and "'a & b'" in page.text
    assert page.tags.count("img") == 1 and "script" not in page.tags  # multiclass: PR only

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    written = result.save(tmp_path)
    assert set(written) == {"json", "csv", "html"}
    page = Page(written["html"].read_text(encoding="utf-8"))
    assert "img" not in page.tags and page.verdict == result.recommendation
    assert "No plots: matplotlib is not installed" in page.text
    assert len(page.rows) == len(result.ranking) == 2


def test_repeated_folds_are_named_on_the_page():
    X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    result = compare_techniques(X, y, cv=2, repeats=2, progress=False,
                                techniques=["class_weight"])
    text = " ".join(Page(result.to_html()).text.split())
    assert "2-fold stratified cross-validation repeated 2 times (4 folds)" in text
    assert result.protocol in result.recommendation
