"""The ``sklearn-imbal`` command: ``report``, ``compare``, ``fit`` and ``predict`` on CSV files.

Usage::

    sklearn-imbal report DATA.csv --label COL [--text COL]
    sklearn-imbal compare [DATA.csv --label COL [--text COL]] [--cv 5] [--repeats 1]
                          [--rank-by mcc] [--model auto|embeddings|finetune] [--jobs 1]
                          [--threads-per-job 1]
                          [--output DIR [--overwrite]] ...
    sklearn-imbal fit DATA.csv --label COL [--text COL] (--from-results DIR | --technique NAME)
                      [--output DIR [--overwrite]] [--model ...] ...
    sklearn-imbal predict MODEL_DIR DATA.csv [--output preds.csv [--overwrite]]

``python -m sklearn_imbal`` is the same command.

Input errors print one line ``sklearn-imbal: error: <problem>; <fix>`` and exit with
2, never a traceback; the design is in ``doc/cli.md``.
"""

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from .compare import RANK_METRICS, TECHNIQUES, DataError
from .utils._paths import COMPARISON_MARKER, SAVED_MARKER, check_output_dir
from .utils._text import unusable_texts

__all__ = ["main"]

PROG = "sklearn-imbal"
DEFAULT_OUTPUT = "sklearn-imbal-output"
DEFAULT_MODEL = "sklearn-imbal-model"


class _UsageError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, as ours (no usage block), exit code 2."""

    def error(self, message):
        self.exit(2, f"{PROG}: error: {message}; see '{self.prog} --help'\n")


def _build_parser():
    parser = _Parser(
        prog=PROG,
        description="Which imbalance fix works on your data? Measure every known fix under "
                    "one stratified cross-validation.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="class counts, severity and what to try")
    report.add_argument("data", metavar="DATA.csv", help="CSV (or .tsv) file with a header")
    report.add_argument("--label", required=True, metavar="COL", help="the label column")
    report.add_argument("--text", metavar="COL", help="the text column, if the data is text")

    compare = commands.add_parser(
        "compare", help="compare the imbalance techniques on one set of folds",
        description="Run a baseline and each technique (class weights, random over- and "
                    "undersampling, SMOTE, focal loss, synthetic augmentation, threshold "
                    "tuning, the best combination) on the same stratified folds; print a "
                    "ranked table and a recommendation; write results.json and plots.",
    )
    compare.add_argument("data", nargs="?", metavar="DATA.csv",
                         help="CSV (or .tsv) file with a header; default: the bundled VADER "
                              "tweets (4,200 tweets, 7.5%% strongly negative)")
    compare.add_argument("--label", metavar="COL", help="the label column (needed with a file)")
    compare.add_argument("--text", metavar="COL",
                         help="the text column; without it the other columns are tabular "
                              "features")
    _add_model_options(compare)
    compare.add_argument("--repeats", type=int, default=1, metavar="R",
                         help="repeat the K folds R times, each with other folds (default "
                              "1); the paired tests behind the verdict use all K x R folds")
    compare.add_argument("--jobs", type=int, default=1, metavar="N",
                         help="fit N (technique, fold) pairs at a time in worker processes; "
                              "-1: one per CPU (default 1); the results do not depend on N")
    compare.add_argument("--threads-per-job", type=int, default=1, metavar="T",
                         help="BLAS and torch threads of each (technique, fold) fit "
                              "(default 1, for --jobs set to the number of cores); the "
                              "results are those of T threads, whatever --jobs is")
    compare.add_argument("--techniques", metavar="LIST",
                         help="comma-separated subset of: " + ", ".join(TECHNIQUES))
    compare.add_argument("--sample", type=int, metavar="N",
                         help="use a stratified random sample of N rows (a quick first look)")
    compare.add_argument("--augmentation-ratio", type=float, default=0.5, metavar="R",
                         help="augmentation fills each class up to this fraction of the "
                              "majority (default 0.5)")
    compare.add_argument("--llm-base-url", metavar="URL",
                         help="OpenAI-compatible endpoint for synthetic examples")
    compare.add_argument("--llm-model", metavar="NAME", help="chat model name at that endpoint")
    compare.add_argument("--llm-api-key-env", default="OPENAI_API_KEY", metavar="VAR",
                         help="environment variable holding the API key")
    compare.add_argument("--output", default=DEFAULT_OUTPUT, metavar="DIR",
                         help=f"output folder (default {DEFAULT_OUTPUT}/): new, empty, or "
                              "written by an earlier compare; checked before any work")
    compare.add_argument("--overwrite", action="store_true",
                         help="also write into a non-empty --output folder that compare did "
                              "not write: its results.json, results.csv, report.html and "
                              "plots are replaced, nothing else is touched")
    _add_fit_commands(commands)
    return parser


def _add_model_options(parser):
    """The options of the model and its cross-validation: ``compare``'s and ``fit``'s."""
    parser.add_argument("--cv", type=int, default=5, metavar="K",
                        help="number of stratified folds (default 5)")
    parser.add_argument("--rank-by", default="mcc", choices=list(RANK_METRICS),
                        metavar="METRIC",
                        help="ranking metric, one of: " + ", ".join(RANK_METRICS)
                             + " (default mcc)")
    parser.add_argument("--model", default="auto", choices=["auto", "embeddings", "finetune"],
                        help="text models: frozen embeddings + heads (fast), or fine-tuning "
                             "the transformer (slow on a CPU); auto: fine-tuning on a GPU")
    parser.add_argument("--model-path", metavar="PATH",
                        help="local transformer folder (default: packaged all-MiniLM-L6-v2)")
    parser.add_argument("--model-kwargs", metavar="JSON",
                        help='model loading options, e.g. \'{"num_hidden_layers": 2}\'')
    parser.add_argument("--max-epochs", type=int, metavar="N",
                        help="fine-tuning epochs (default 3)")
    parser.add_argument("--device", default="auto", metavar="DEVICE",
                        help="torch device: auto, cpu, cuda (default auto)")
    parser.add_argument("--random-state", type=int, default=0, metavar="SEED",
                        help="seed of the folds and techniques (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_fit_commands(commands):
    fit = commands.add_parser(
        "fit", help="train a technique on all rows and save the model",
        description="Train the technique that a comparison recommends (--from-results, "
                    "the output folder of compare) or a named one (--technique: measured "
                    "against the baseline on --cv folds first) on every row, and save "
                    "it with its card into a model folder; no pickle.",
    )
    fit.add_argument("data", metavar="DATA.csv", help="CSV (or .tsv) file with a header")
    fit.add_argument("--label", required=True, metavar="COL", help="the label column")
    fit.add_argument("--text", metavar="COL",
                     help="the text column; without it the other columns are tabular "
                          "features")
    fit.add_argument("--from-results", metavar="DIR",
                     help="a compare output folder: train its recommendation (or "
                          "--technique, among those it evaluated) with its settings")
    fit.add_argument("--technique", choices=list(TECHNIQUES), metavar="NAME",
                     help="the technique to train, one of: " + ", ".join(TECHNIQUES)
                          + "; without --from-results it is first measured against the "
                          "baseline on --cv folds")
    fit.add_argument("--output", default=DEFAULT_MODEL, metavar="DIR",
                     help=f"model folder (default {DEFAULT_MODEL}/): new, empty, or written "
                          "by an earlier fit; checked before any work")
    fit.add_argument("--overwrite", action="store_true",
                     help="also write into a non-empty --output folder that fit did not "
                          "write (only our files there are replaced)")
    _add_model_options(fit)

    predict = commands.add_parser(
        "predict", help="predict labels and class probabilities with a saved model",
        description="Write the predicted label and one probability column per class for "
                    "every row of DATA.csv, in input order. Rows the model cannot read (an "
                    "empty text, a number that is not one) stop the command with their "
                    "line numbers: nothing is skipped silently.",
    )
    predict.add_argument("model_dir", metavar="MODEL_DIR", help="a folder written by fit")
    predict.add_argument("data", metavar="DATA.csv", help="CSV (or .tsv) file with a header")
    predict.add_argument("--output", metavar="FILE",
                         help="the predictions CSV (default: standard output)")
    predict.add_argument("--overwrite", action="store_true",
                         help="replace --output if it exists")


# --------------------------------------------------------------------------- reading
def _read_table(path):
    """The CSV (or TSV) at ``path`` as a DataFrame, or a clear ``_UsageError``."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise _UsageError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise _UsageError(f"{path} is a folder; pass a CSV file")
    if path.stat().st_size == 0:
        raise _UsageError(f"{path} is empty; pass a CSV file with a header row and data rows")
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _UsageError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8 in.csv > out.csv"
        ) from None
    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    try:
        frame = pd.read_csv(path, sep=sep, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise _UsageError(f"{path} holds no data; pass a CSV file with a header row") from None
    except pd.errors.ParserError as exc:
        raise _UsageError(f"{path} is not a valid CSV file ({str(exc).strip()}); fix the "
                          "quoting or the number of fields on that line") from None
    if frame.shape[0] == 0:
        raise _UsageError(f"{path} has a header but no data rows; add rows")
    return frame


def _column(frame, name, option, path):
    if name not in frame.columns:
        available = ", ".join(repr(str(c)) for c in frame.columns)
        raise _UsageError(f"{path} has no column {name!r} ({option}); available columns: "
                          f"{available}")
    return frame[name]


def _lines(index):
    """CSV line numbers (header = line 1) of DataFrame row positions."""
    shown = ", ".join(str(i + 2) for i in index[:5])
    return shown + (", ..." if len(index) > 5 else "")


def _labels(frame, name, path):
    column = _column(frame, name, "--label", path)
    missing = np.flatnonzero(column.isna().to_numpy())
    if len(missing):
        raise _UsageError(f"{path}: {len(missing)} rows have no label in {name!r} (lines "
                          f"{_lines(missing)}); label or drop those rows")
    return column.to_numpy()


def _texts(frame, name, path):
    import pandas as pd

    column = _column(frame, name, "--text", path)
    if pd.api.types.is_numeric_dtype(column) and column.notna().any():
        raise _UsageError(f"{path}: column {name!r} (--text) holds numbers, not texts; name "
                          "the text column with --text, or drop --text to compare on the "
                          "columns as tabular features")
    values = column.tolist()
    bad = unusable_texts(values)
    if bad:
        raise _UsageError(f"{path}: {len(bad)} rows have an empty, missing or invalid "
                          f"(lone surrogate) text in {name!r} (lines {_lines(bad)}); drop "
                          "those rows or fill them")
    return values


def _stratified_sample(X, y, n, random_state):
    from sklearn.model_selection import train_test_split

    from .utils._sklearn import safe_indexing

    if n >= len(y):
        return X, y
    try:
        keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y,
                                   random_state=random_state)
    except ValueError as exc:
        raise _UsageError(f"cannot draw a stratified sample of {n} rows ({exc}); use a "
                          "larger --sample") from None
    keep = np.sort(keep)
    return safe_indexing(X, keep), y[keep]


# --------------------------------------------------------------------------- commands
def _report(args, out):
    from .diagnostics import imbalance_report

    frame = _read_table(args.data)
    y = _labels(frame, args.label, args.data)
    if args.text is not None:
        _texts(frame, args.text, args.data)
    try:
        report = imbalance_report(y, text=args.text is not None)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    print(report, file=out)
    return 0


def _load_compare_data(args):
    if args.data is None:
        if args.label or args.text:
            raise _UsageError("--label and --text describe a DATA.csv file; pass the file, or "
                              "drop them to use the bundled tweets")
        from .datasets import load_vader_tweets

        tweets = load_vader_tweets()
        name = "bundled VADER tweets (Hutto & Gilbert, ICWSM 2014; MIT)"
        return tweets.data, tweets.target_names[tweets.target], "text", name
    if args.label is None:
        raise _UsageError("--label COL is required with a DATA.csv file; name the label column")
    frame = _read_table(args.data)
    y = _labels(frame, args.label, args.data)
    if args.text is not None:
        return _texts(frame, args.text, args.data), y, "text", str(args.data)
    features = frame.drop(columns=[args.label])
    if features.shape[1] == 0:
        raise _UsageError(f"{args.data} has no feature columns besides {args.label!r}; add "
                          "columns, or name the text column with --text")
    return features, y, "tabular", str(args.data)


def _augmenter(args):
    if not (args.llm_model or args.llm_base_url):
        return None, "offline word edits"
    if not args.llm_model:
        raise _UsageError("--llm-base-url needs --llm-model NAME (the chat model to ask)")
    from .sampling import LLMAugmenter

    key = os.environ.get(args.llm_api_key_env)
    if not key:  # never fall back on another variable's key (LLMAugmenter reads OPENAI_API_KEY)
        raise _UsageError(f"--llm-api-key-env: the environment variable "
                          f"{args.llm_api_key_env} is not set; set it to the endpoint's API "
                          "key (any value for an endpoint that takes none)")
    augmenter = LLMAugmenter(args.llm_model, base_url=args.llm_base_url, api_key=key,
                             random_state=args.random_state)
    return augmenter, f"LLM {args.llm_model} at {args.llm_base_url or 'the default endpoint'}"


def _parse_options(args):
    techniques = None
    if args.techniques:
        techniques = [t.strip() for t in args.techniques.split(",") if t.strip()]
        unknown = [t for t in techniques if t not in TECHNIQUES]
        if unknown:
            raise _UsageError(f"unknown technique(s) {', '.join(unknown)}; choose among "
                              f"{', '.join(TECHNIQUES)}")
    model_kwargs = None
    if args.model_kwargs:
        try:
            model_kwargs = json.loads(args.model_kwargs)
        except json.JSONDecodeError as exc:
            raise _UsageError(f"--model-kwargs is not valid JSON ({exc}); e.g. "
                              '\'{"num_hidden_layers": 2}\'') from None
        if not isinstance(model_kwargs, dict):
            raise _UsageError("--model-kwargs must be a JSON object, e.g. "
                              '\'{"num_hidden_layers": 2}\'')
    # --repeats, --threads-per-job and --jobs are compare's alone; fit shares the rest.
    for option, value, low in (("--cv", args.cv, 2),
                               ("--repeats", getattr(args, "repeats", None), 1),
                               ("--threads-per-job", getattr(args, "threads_per_job", None), 1),
                               ("--max-epochs", args.max_epochs, 1),
                               ("--sample", args.sample, 2)):
        if value is not None and value < low:
            raise _UsageError(f"{option} must be at least {low}, got {value}")
    jobs = getattr(args, "jobs", 1)
    if jobs < 1 and jobs != -1:
        raise _UsageError(f"--jobs must be at least 1, or -1 for one per CPU, got {jobs}")
    if not 0 < args.augmentation_ratio <= 1:
        raise _UsageError("--augmentation-ratio must be in (0, 1]")
    if not 0 <= args.random_state < 2**32:
        raise _UsageError(f"--random-state must be in [0, {2**32 - 1}], got "
                          f"{args.random_state}")
    return techniques, model_kwargs


def _check_output(args):
    """The ``--output`` folder, checked before any work so that a bad one loses no run."""
    try:
        check_output_dir(args.output, "--output", **COMPARISON_MARKER,
                         overwrite=args.overwrite)
    except OSError as exc:  # a file, an unwritable folder, someone else's files
        raise _UsageError(str(exc)) from None


def _check_model_settings(args, model_kwargs):
    """A device and a model that load with ``--model-kwargs``, checked before any work.

    The encoder is loaded once here, on the device of the embeddings family (which then
    reuses it: the process keeps loaded encoders) or on the CPU before fine-tuning; a
    folder that holds no model or a loading option the model does not take is then one
    line, not a traceback or every technique failing.
    """
    from .text import TransformerEmbedder
    from .text._hub import resolve_pretrained
    from .utils._torch import resolve_device

    try:
        resolve_device(args.device)
        if args.model_path is not None:
            resolve_pretrained(args.model_path, "--model-path", "compare")
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    device = args.device if args.model == "embeddings" else "cpu"
    embedder = TransformerEmbedder(args.model_path, model_kwargs=model_kwargs, device=device)
    try:
        embedder.fit(["a text"])
    except (TypeError, ValueError) as exc:
        options = "--model-path" if args.model_path is not None else "the packaged model"
        if model_kwargs:
            options += " with --model-kwargs"
        raise _UsageError(f"{options}: {exc}") from None


def _quiet_transformers():
    """Keep the transformers library's own progress bars and notes out of the report."""
    try:
        from transformers.utils import logging
    except ImportError:
        return
    logging.set_verbosity_error()
    logging.disable_progress_bar()


def _text_extra():
    """transformers, quiet, or a clear error naming the extra to install."""
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise _UsageError("text data needs the text extra: pip install "
                          "'sklearn-imbal[text]'") from None
    _quiet_transformers()


def _compare(args, out):
    from .compare import compare_techniques
    from .diagnostics import imbalance_report

    techniques, model_kwargs = _parse_options(args)
    _check_output(args)
    X, y, kind, source = _load_compare_data(args)
    if args.sample is not None:
        X, y = _stratified_sample(X, y, args.sample, args.random_state)
    augmenter, augmenter_name = _augmenter(args)
    if kind == "text":
        _text_extra()
        _check_model_settings(args, model_kwargs)
    try:
        report = imbalance_report(y, text=kind == "text")
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    print(f"Data: {source}: {report.n_samples} rows, {len(report.classes)} classes, "
          f"minority {report.minority_class!r} "
          f"{report.counts.min()} ({report.counts.min() / report.n_samples:.1%}), "
          f"imbalance ratio {report.imbalance_ratio:.1f}:1 ({report.severity})", file=out)
    try:
        with warnings.catch_warnings():
            # loky restarts a worker whose memory grew by 300 MB (a worker that loaded
            # the encoder to embed augmented texts) and warns of a possible leak; the
            # jobs run on, with the same results.
            warnings.filterwarnings("ignore", "A worker stopped while some jobs",
                                    UserWarning)
            result = compare_techniques(
                X, y, kind=kind, model=args.model, model_path=args.model_path,
                model_kwargs=model_kwargs, max_epochs=args.max_epochs, cv=args.cv,
                repeats=args.repeats, rank_by=args.rank_by, techniques=techniques,
                augmenter=augmenter, augmentation_ratio=args.augmentation_ratio,
                device=args.device, random_state=args.random_state,
                progress=not args.quiet, n_jobs=args.jobs,
                threads_per_job=args.threads_per_job,
            )
    except DataError as exc:
        raise _UsageError(str(exc)) from None
    info = result.info
    repeated = f" repeated {args.repeats} times" if args.repeats > 1 else ""
    print(f"Model: {info['description']} ({info['model']}); {info['cv']}-fold stratified "
          f"CV{repeated}, ranked by {RANK_METRICS[args.rank_by][0]}; augmentation: "
          f"{augmenter_name}", file=out)
    for note in info.get("notes", []):
        print(f"Note: {note}", file=out)
    print("", file=out)
    print(result.format_table(), file=out)
    print("\nScores: mean ± sd over the test folds; 'min.' = the minority class "
          f"{result.minority!r}; fit s = seconds per fit.", file=out)
    if "baseline" in result.fold_scores:
        majority = report.proportions.max()
        accuracy = result.summary("baseline")["accuracy"][0]
        print(f"Accuracy would mislead: always answering {report.majority_class!r} scores "
              f"{majority:.3f}, the baseline {accuracy:.3f}.", file=out)
    print(f"\n{result.recommendation}\n", file=out)
    written = result.save(args.output, overwrite=args.overwrite)
    print("Wrote " + ", ".join(str(path) for path in written.values()), file=out)
    if "pr_curves" not in written:
        print("(no plots: pip install 'sklearn-imbal[plot]' for the PNG files)", file=out)
    return 0


def _fitted_result(args, X, y, kind, out):
    """The comparison that the model comes from: read (``--from-results``) or run on
    the baseline and ``--technique`` only."""
    from .compare import ComparisonResult, compare_techniques

    if args.from_results is None:
        techniques, model_kwargs = _parse_options(args)
        if kind == "text":
            _check_model_settings(args, model_kwargs)
        print(f"Measuring {args.technique} against the baseline ({args.cv}-fold stratified "
              "CV) before training it on every row.", file=out)
        try:
            result = compare_techniques(
                X, y, kind=kind, model=args.model, model_path=args.model_path,
                model_kwargs=model_kwargs, max_epochs=args.max_epochs, cv=args.cv,
                rank_by=args.rank_by, techniques=techniques, device=args.device,
                random_state=args.random_state, progress=not args.quiet)
        except DataError as exc:
            raise _UsageError(str(exc)) from None
        print(result.format_table(), file=out)
        return result
    changed = [option for option, value, default in (
        ("--model", args.model, "auto"), ("--model-path", args.model_path, None),
        ("--model-kwargs", args.model_kwargs, None), ("--max-epochs", args.max_epochs, None),
        ("--cv", args.cv, 5), ("--rank-by", args.rank_by, "mcc"),
        ("--random-state", args.random_state, 0)) if value != default]
    if changed:
        raise _UsageError(f"{', '.join(changed)} set the comparison; with --from-results "
                          "its settings come from results.json: drop them")
    path = Path(args.from_results)
    if path.is_dir():
        path = path / COMPARISON_MARKER["marker"]
    try:
        result = ComparisonResult.from_json(path)
    except (OSError, ValueError) as exc:
        raise _UsageError(f"--from-results: {exc}") from None
    if result.info.get("kind") != kind:
        raise _UsageError(f"--from-results compared {result.info.get('kind')} data, but "
                          f"{args.data} is read as {kind} "
                          f"({'--text given' if kind == 'text' else 'no --text'}); fit on "
                          "the data that was compared")
    found = sorted({str(v) for v in np.unique(y)})
    if found != sorted(str(c) for c in result.classes):
        raise _UsageError(f"{args.data}: the classes in {args.label!r} ({', '.join(found)}) "
                          "are not those of the comparison in --from-results "
                          f"({', '.join(map(str, result.classes))}); fit on the data that "
                          "was compared")
    if kind == "tabular":
        needed = result.info["columns"]["numeric"] + result.info["columns"]["categorical"]
        missing = [c for c in needed if c not in X.columns]
        if missing:
            raise _UsageError(f"{args.data} lacks the column(s) {', '.join(map(repr, missing))}"
                              " that the comparison in --from-results learned from")
    return result


def _fit(args, out):
    from .persistence import save

    if args.from_results is None and args.technique is None:
        raise _UsageError("say what to train: --from-results DIR (the output folder of "
                          "'sklearn-imbal compare': its recommendation is trained) or "
                          f"--technique NAME (one of {', '.join(TECHNIQUES)})")
    if args.from_results is None:
        args.techniques, args.sample, args.augmentation_ratio = args.technique, None, 0.5
    try:
        check_output_dir(args.output, "--output", **SAVED_MARKER, overwrite=args.overwrite)
    except OSError as exc:
        raise _UsageError(str(exc)) from None
    X, y, kind, source = _load_compare_data(args)
    if kind == "text":
        _text_extra()
    result = _fitted_result(args, X, y, kind, out)
    technique = args.technique or result.ranking[0]
    try:
        estimator = result.make_estimator(technique)
    except ValueError as exc:
        raise _UsageError(f"--technique: {exc}") from None
    print(f"Training {result.labels[technique]} on all {len(y)} rows of {source}.", file=out)
    estimator.fit(X, y)
    extra = {"kind": kind, "label": args.label, "text": args.text,
             "columns": result.info.get("columns"), "data": source}
    folder = save(estimator, args.output, overwrite=args.overwrite, y=y, comparison=result,
                  technique=technique, extra=extra)
    print(f"Wrote the model to {folder}/ (card.json says what it is). Predict with: "
          f"{PROG} predict {folder} DATA.csv", file=out)
    return 0


def _model_input(card, frame, path):
    """The columns of ``frame`` that the saved model reads, checked row by row."""
    import pandas as pd

    extra = card.get("extra") or {}
    if extra.get("kind") == "text":
        return _texts(frame, extra["text"], path)
    columns = extra.get("columns")
    if not columns:  # saved from Python without a description of its input
        return frame
    missing = [c for c in columns["numeric"] + columns["categorical"] if c not in frame.columns]
    if missing:
        raise _UsageError(f"{path} lacks the column(s) {', '.join(map(repr, missing))} that "
                          "the model reads; add them (empty cells are imputed)")
    for column in columns["numeric"]:
        values = frame[column]
        numbers = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero((numbers.isna() & values.notna()).to_numpy())
        infinite = np.flatnonzero(np.isinf(numbers.to_numpy(dtype=float, na_value=np.nan)))
        if len(bad) or len(infinite):
            rows = bad if len(bad) else infinite
            what = "values that are not numbers" if len(bad) else "infinite values"
            raise _UsageError(f"{path}: column {column!r} holds {what} (lines {_lines(rows)}); "
                              "the model reads numbers there: fix those cells or leave them "
                              "empty (an empty cell is imputed with the training median)")
        frame[column] = numbers
    return frame[columns["numeric"] + columns["categorical"]]


def _predict(args, out):
    import pandas as pd

    from .persistence import load, read_card

    if args.output is not None:
        target = Path(args.output)
        if target.is_dir():
            raise _UsageError(f"--output {target} is a folder; name the CSV file to write")
        if target.exists() and not args.overwrite:
            raise _UsageError(f"--output {target} exists; pass --overwrite to replace it, or "
                              "name a new file")
    try:
        card = read_card(args.model_dir)
        model = load(args.model_dir)
    except (OSError, ValueError) as exc:
        raise _UsageError(str(exc)) from None
    frame = _read_table(args.data)
    X = _model_input(card, frame, args.data)
    proba = model.predict_proba(X)
    table = pd.DataFrame({"prediction": model.predict(X)})
    for k, label in enumerate(model.classes_):
        table[f"proba_{label}"] = proba[:, k]
    if args.output is None:
        table.to_csv(out, index=False)
    else:
        table.to_csv(args.output, index=False)
        print(f"Wrote {len(table)} predictions to {args.output}", file=out)
    return 0


def main(argv=None):
    """Run the ``sklearn-imbal`` command; return its exit code.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    code : int
        0 on success, 2 for bad input or arguments (one line on stderr, no traceback).

    Examples
    --------
    >>> from sklearn_imbal.cli import main
    >>> main(["report", "no-such-file.csv", "--label", "y"])
    2
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        commands = {"report": _report, "compare": _compare, "fit": _fit,
                    "predict": _predict}
        return commands[args.command](args, sys.stdout)
    except _UsageError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the library wrote
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
