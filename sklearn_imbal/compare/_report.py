"""report.html: one self-contained page of a comparison (inline CSS, plots as inline PNGs).

No script, no external address: the page opens offline, in any browser, from a mail
attachment. Every string that comes from the user's data or a saved file (class labels,
column names, notes, technique labels, the recommendation) goes through ``html.escape``.
"""

import base64
from html import escape

import numpy as np

from ..utils._validation import python_scalar
from ._checks import RANK_METRICS

__all__ = ["render_report"]

# Headers of the metrics the printed table leaves out (it shows the main ones only).
_MORE_HEADERS = {"balanced_accuracy": "bal. acc.", "geometric_mean": "G-mean",
                 "accuracy": "accuracy", "minority_average_precision": "min. AP", "ece": "ECE"}
# Column names shown in the data summary; the rest are counted.
_SHOWN_COLUMNS = 30
# Lower is better for these; the others are scores.
_LOWER_IS_BETTER = {key for key, (_, greater) in RANK_METRICS.items() if not greater} | {
    "ece", "fit_time"}

_PLOT_CAPTIONS = {
    "pr_curves": "Precision-recall curves of the minority class, out of fold; the dots are "
                 "each technique's decisions (its predicted labels).",
    "threshold_curve": "The out-of-fold score of the technique in the title against the "
                       "decision threshold: one thin curve per test fold, their mean, "
                       "precision and recall; the dotted line is the best threshold of the "
                       "mean.",
}

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d2329; background: #fff; margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; border-bottom: 1px solid #d8dde3;
     padding-bottom: 4px; }
.sub { color: #56606b; margin: 0 0 20px; }
.verdict { background: #eef6ee; border-left: 5px solid #2e7d32; padding: 12px 16px;
           font-size: 16px; margin: 16px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.facts dt { color: #56606b; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.scores { font-size: 13px; width: 100%; }
th, td { padding: 5px 7px; border-bottom: 1px solid #e3e7eb; }
th { background: #f3f5f7; font-weight: 600; vertical-align: bottom; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.num small { display: block; color: #6b7580; font-size: 11px; }
th.rank-by, td.rank-by { background: #fff3c4; }
th.rank-by { border-bottom: 2px solid #c99a00; }
tr.best td { font-weight: 600; }
tr.best td small { font-weight: normal; }
.tag { font-size: 11px; color: #56606b; border: 1px solid #c5ccd3; border-radius: 3px;
       padding: 0 4px; margin-left: 4px; font-weight: normal; }
.legend { color: #56606b; font-size: 13px; margin-top: 6px; }
ul { margin: 6px 0; padding-left: 22px; }
figure { margin: 16px 0 24px; display: table; }  /* the caption as wide as the image */
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7eb; }
figcaption { display: table-caption; caption-side: bottom; color: #56606b; font-size: 13px;
             margin-top: 4px; }
code { font-size: 13px; background: #f3f5f7; padding: 0 3px; }
"""


def _cell(mean, sd, digits):
    if mean != mean:
        return "n/a"
    return f"{mean:.{digits}f}<small>± {sd:.{digits}f}</small>"


def _metric_columns(result, headers):
    """Every metric of the fold scores: the printed table's first, in its order; fit time
    last."""
    keys = list(headers)
    for technique in result.ranking:
        keys += [key for key in result.summary(technique) if key not in keys]
    keys.sort(key=lambda key: key == "fit_time")
    names = {**{key: name for key, (name, _) in RANK_METRICS.items()}, **_MORE_HEADERS,
             **headers}
    return {key: names.get(key, key) for key in keys}


def _names(names):
    shown = escape(", ".join(map(str, names[:_SHOWN_COLUMNS])))
    more = len(names) - _SHOWN_COLUMNS
    return shown + (f" and {more} more" if more > 0 else "")


def _facts(result):
    info = result.info
    values, counts = np.unique(result.y, return_counts=True)
    counts = dict(zip([python_scalar(c) for c in values], counts))
    n = len(result.y)
    classes = ", ".join(
        f"{escape(repr(c))}: {counts[c]} ({counts[c] / n:.1%})"
        + (' <span class="tag">minority</span>' if c == result.minority else "")
        for c in result.classes)
    model = escape(str(info.get("model", "?")))
    if info.get("description"):
        model += f" ({escape(str(info['description']))})"
    facts = {
        "Rows": f"{n}",
        "Classes": classes,
        "Imbalance ratio": f"{max(counts.values()) / min(counts.values()):.1f} : 1",
        "Data": escape(str(info.get("kind", "?"))),
        "Model": model,
        "Folds": escape(result.protocol),
        "Ranked by": escape(RANK_METRICS.get(result.rank_by, (result.rank_by,))[0]),
    }
    columns = info.get("columns")
    if columns:
        facts["Features"] = "; ".join(
            f"{len(names)} {kind}" + (f": {_names(names)}" if names else "")
            for kind, names in columns.items())
    if info.get("random_state") is not None:
        facts["Random state"] = escape(str(info["random_state"]))
    return "".join(f"<dt>{key}</dt><dd>{value}</dd>" for key, value in facts.items())


def _table(result, headers):
    columns = _metric_columns(result, headers)
    head = "".join(
        f'<th class="num{" rank-by" if key == result.rank_by else ""}"'
        f' title="{escape(key)}{", lower is better" if key in _LOWER_IS_BETTER else ""}">'
        f"{escape(name)}{' ▼' if key == result.rank_by else ''}</th>"
        for key, name in columns.items())
    rows = []
    for rank, technique in enumerate(result.ranking, start=1):
        summary = result.summary(technique)
        cells = "".join(
            f'<td class="num{" rank-by" if key == result.rank_by else ""}">'
            + _cell(*summary.get(key, (np.nan, np.nan)), 1 if key == "fit_time" else 3)
            + "</td>"
            for key in columns)
        best = ' class="best"' if rank == 1 else ""
        rows.append(f'<tr{best} data-technique="{escape(technique)}"><td class="num">{rank}</td>'
                    f"<td>{escape(result.labels.get(technique, technique))}</td>"
                    f"{cells}</tr>")
    lower = ", ".join(columns[key] for key in columns if key in _LOWER_IS_BETTER)
    legend = (f"Mean ± standard deviation over the {escape(str(result.info.get('cv', '?')))} "
              f"test folds, best first by {escape(columns.get(result.rank_by, result.rank_by))} "
              f"(highlighted). “min.” = the minority class {escape(repr(result.minority))}. "
              f"Lower is better for {escape(lower)}; fit s = seconds per fit.")
    return (f'<table class="scores"><thead><tr><th class="num">#</th><th>technique</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="legend">{legend}</p>')


def _plots(pngs):
    if pngs is None:
        return ('<p class="no-plots">No plots: matplotlib is not installed '
                "(<code>pip install 'sklearn-imbal[plot]'</code>).</p>")
    return "".join(
        f'<figure><img alt="{escape(kind.replace("_", " "))}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f"<figcaption>{escape(_PLOT_CAPTIONS.get(kind, ''))}</figcaption></figure>"
        for kind, png in pngs.items())


def render_report(result, pngs, headers):
    """The page of a comparison as a string.

    Parameters
    ----------
    result : ComparisonResult
        The comparison.
    pngs : dict of str to bytes or None
        The plots by kind (``"pr_curves"``, ``"threshold_curve"``) as PNG files; None
        when matplotlib is not installed (the page then says so).
    headers : dict of str to str
        Metric key -> column header of the printed table; those columns come first.

    Returns
    -------
    html : str
        A complete HTML document.
    """
    info = result.info
    kind = escape(str(info.get("kind", "")))
    ranked_by = escape(RANK_METRICS.get(result.rank_by, (result.rank_by,))[0])
    sections = [
        "<h1>Which imbalance fix works on this data?</h1>",
        f'<p class="sub">sklearn-imbal comparison of {len(result.ranking)} techniques on '
        f"{len(result.y)} rows of {kind} data, ranked by {ranked_by}.</p>",
        f'<p class="verdict">{escape(result.recommendation)}</p>',
        f'<h2>Data</h2><dl class="facts">{_facts(result)}</dl>',
        f"<h2>Scores</h2>{_table(result, headers)}",
    ]
    if result.skipped:
        sections.append("<h2>Not evaluated</h2><ul>" + "".join(
            f"<li><b>{escape(result.labels.get(t, t))}</b>: {escape(str(reason))}</li>"
            for t, reason in result.skipped.items()) + "</ul>")
    notes = list(info.get("notes", []))
    if "best_combination" in result.fold_scores and info.get("labels_note"):
        notes.append(info["labels_note"])
    if notes:
        sections.append("<h2>Notes</h2><ul>" + "".join(
            f"<li>{escape(str(note))}</li>" for note in notes) + "</ul>")
    sections.append(f"<h2>Plots</h2>{_plots(pngs)}")
    title = f"sklearn-imbal comparison: {kind} data, ranked by {ranked_by}"
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(sections) + "\n</main>\n</body>\n</html>\n")
