"""Tests of the sklearn-imbal command line (report, compare, bad input)."""

import itertools
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd
import pytest

from sklearn_imbal.cli import main
from sklearn_imbal.datasets import load_vader_tweets


@pytest.fixture(scope="module")
def tweets_csv(tmp_path_factory):
    """240 bundled tweets (18 strongly negative) as a CSV with text and label columns."""
    tweets = load_vader_tweets(as_frame=True).frame
    rng = np.random.RandomState(0)
    keep = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(tweets.target == 1), 18, replace=False),
        rng.choice(np.flatnonzero(tweets.target == 0), 222, replace=False),
    ]))
    frame = tweets.iloc[keep][["text", "target"]].rename(columns={"target": "angry"})
    frame["angry"] = frame["angry"].map({0: "no", 1: "yes"})
    path = tmp_path_factory.mktemp("data") / "tweets.csv"
    frame.to_csv(path, index=False)
    return path


def test_report(tweets_csv, capsys):
    assert main(["report", str(tweets_csv), "--label", "angry", "--text", "text"]) == 0
    out = capsys.readouterr().out
    assert "240 samples, 2 classes, imbalance ratio 12.3:1 (moderate)" in out
    assert "SMOTE on TransformerEmbedder embeddings" in out


def test_compare_text_csv(tweets_csv, tiny_bert_path, tmp_path, capsys):
    code = main(["compare", str(tweets_csv), "--text", "text", "--label", "angry",
                 "--model", "embeddings", "--model-path", tiny_bert_path, "--cv", "3",
                 "--techniques", "class_weight,smote,threshold", "--rank-by", "minority_f1",
                 "--output", str(tmp_path / "out"), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = captured.out
    assert "minority 'yes' 18 (7.5%)" in out
    assert "ranked by minority F1" in out
    for label in ("baseline", "class weights (balanced)", "SMOTE on embeddings",
                  "threshold tuning"):
        assert label in out
    assert "Recommended:" in out and "minority F1" in out
    assert "Accuracy would mislead: always answering 'no' scores 0.925" in out
    assert captured.err == ""  # --quiet: no progress bars
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["rank_by"] == "minority_f1" and results["minority"] == "yes"
    assert set(results["fold_scores"]) == {"baseline", "class_weight", "smote", "threshold"}
    for name in ("pr_curves.png", "threshold_curve.png", "results.csv", "report.html"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_compare_bundled_data_with_progress(tiny_bert_path, tmp_path, capsys):
    code = main(["compare", "--sample", "200", "--model", "embeddings", "--model-path",
                 tiny_bert_path, "--model-kwargs", '{"num_hidden_layers": 1}', "--cv", "2",
                 "--techniques", "threshold", "--output", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "bundled VADER tweets" in captured.out and "200 rows" in captured.out
    assert "minority 'strongly negative' 15 (7.5%)" in captured.out
    assert "comparing techniques" in captured.err  # the progress bar
    assert (tmp_path / "results.json").exists()


def _churn_frame(n=150):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"income": rng.normal(50, 10, n),
                          "region": rng.choice(["north", "south"], n)})
    frame["churn"] = (frame["income"] + 12 * (frame["region"] == "north")
                      + rng.normal(0, 5, n) > 68).astype(int)
    return frame


@pytest.fixture(scope="module")
def churn_csv(tmp_path_factory):
    """150 rows of a numeric and a categorical feature, label column 'churn'."""
    path = tmp_path_factory.mktemp("data") / "churn.csv"
    _churn_frame().to_csv(path, index=False)
    return path


def test_compare_tabular_csv(churn_csv, tmp_path, capsys):
    path = churn_csv
    code = main(["compare", str(path), "--label", "churn", "--cv", "3", "--quiet",
                 "--techniques", "random_oversampling,augmentation",
                 "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "ColumnTransformer" in out
    assert "synthetic augmentation: text only" in out
    assert (tmp_path / "out" / "pr_curves.png").stat().st_size > 0


def test_compare_repeats_and_jobs(churn_csv, tmp_path, capsys):
    code = main(["compare", str(churn_csv), "--label", "churn", "--cv", "3", "--repeats", "2",
                 "--jobs", "2", "--threads-per-job", "2", "--quiet",
                 "--techniques", "class_weight", "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "3-fold stratified CV repeated 2 times, ranked by MCC" in out
    assert "over 3-fold stratified cross-validation repeated 2 times (6 folds)" in out
    assert "at 95% (MCC difference" in out and "corrected resampled t-test" in out
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["info"]["repeats"] == 2 and len(results["fold_scores"]["baseline"]) == 6
    test = results["paired_tests"]["vs_baseline"]["class_weight"]
    assert test["n_folds"] == 6 and test["df"] == 5 and test["low"] <= test["high"]


def _fast_compare(data, output, *extra):
    return ["compare", str(data), "--label", "churn", "--cv", "2", "--quiet",
            "--techniques", "class_weight", "--output", str(output), *extra]


def _one_line_error(capsys, *expected):
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("sklearn-imbal: error: ") and err.count("\n") == 1, err
    for part in expected:
        assert part in err
    return captured


@pytest.mark.parametrize("where, expected", [
    ("file", "is a file"),
    ("inside file", "is inside the file"),
    ("proc", "cannot be written"),
    ("foreign folder", "not empty and was not written by sklearn-imbal"),
])
def test_output_checked_before_any_work(where, expected, churn_csv, tmp_path, capsys):
    """A bad --output is refused in one line before the data is even read: no run is
    lost, and the user's files stay as they were."""
    (tmp_path / "file").write_text("mine")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "results.csv").write_text("mine")
    output = {"file": tmp_path / "file", "inside file": tmp_path / "file" / "out",
              "proc": "/proc/out", "foreign folder": tmp_path / "folder"}[where]
    assert main(_fast_compare(churn_csv, output)) == 2
    captured = _one_line_error(capsys, f"--output={str(output)!r}", expected)
    assert captured.out == ""  # nothing was read or run
    assert (tmp_path / "file").read_text() == "mine"
    assert (tmp_path / "folder" / "results.csv").read_text() == "mine"


def test_output_overwrite_and_rerun(churn_csv, tmp_path, capsys):
    (tmp_path / "results.csv").write_text("mine")
    (tmp_path / "notes.txt").write_text("keep me")
    assert main(_fast_compare(churn_csv, tmp_path, "--overwrite")) == 0
    assert (tmp_path / "results.csv").read_text() != "mine"
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    # The folder now holds our results.json: a second run writes into it as is.
    assert main(_fast_compare(churn_csv, tmp_path)) == 0
    assert "Wrote " in capsys.readouterr().out


@pytest.mark.parametrize("value", ["inf", "-inf"])
def test_infinite_feature_is_one_line_naming_the_column(value, tmp_path, capsys):
    frame = _churn_frame(60)
    frame["income"] = frame["income"].astype(object)
    frame.loc[[3, 7], "income"] = value
    frame.to_csv(tmp_path / "data.csv", index=False)
    assert main(_fast_compare(tmp_path / "data.csv", tmp_path / "out")) == 2
    _one_line_error(capsys, "Column 'income' holds 2 infinite values (inf or -inf")
    assert not (tmp_path / "out").exists()


def test_missing_and_empty_features(tmp_path, capsys):
    """Missing cells are imputed; an empty column (a trailing comma) is left out, said
    in a note."""
    frame = _churn_frame(60)
    frame.loc[::7, "income"] = np.nan
    frame["Unnamed"] = np.nan
    frame.to_csv(tmp_path / "data.csv", index=False)
    assert main(_fast_compare(tmp_path / "data.csv", tmp_path / "out")) == 0
    captured = capsys.readouterr()
    assert "Note: column 'Unnamed' left out: no values" in captured.out
    assert "class weights (balanced)" in captured.out and captured.err == ""


def _write(path, content):
    path.write_bytes(content)
    return str(path)


BAD_INPUTS = {
    # name: (file content or None for a missing file, extra args, expected message part)
    "missing file": (None, ["--label", "y"], "no such file"),
    "empty file": (b"", ["--label", "y"], "is empty"),
    "header only": (b"text,y\n", ["--label", "y"], "no data rows"),
    "missing column": (b"text,y\nhi,a\nho,b\n", ["--label", "label"],
                       "no column 'label' (--label); available columns: 'text', 'y'"),
    "not utf-8": (b"text,y\nd\xe9j\xe0 vu,a\nok,b\n", ["--label", "y"], "is not UTF-8"),
    "one class": (b"text,y\nhi,a\nho,a\nhu,a\n", ["--label", "y"], "single class"),
    "single example": (b"text,y\n" + b"".join(b"t%d,a\n" % i for i in range(8)) + b"t,b\n",
                       ["--label", "y", "--cv", "3"], "'b' has 1 example"),
    "fewer than folds": (b"text,y\n" + b"".join(b"t%d,a\n" % i for i in range(8))
                         + b"u1,b\nu2,b\n", ["--label", "y"],
                         "lower the number of folds (cv / --cv) to 2"),
    "empty texts": (b"text,y\nhi,a\n,a\nhu,b\n  ,b\n", ["--label", "y"],
                    "2 rows have an empty, missing or invalid (lone surrogate) text in 'text' "
                    "(lines 3, 5)"),
    "missing labels": (b"text,y\nhi,a\nho,\nhu,b\n", ["--label", "y"], "no label in 'y'"),
    "numeric text": (b"text,y\n1,a\n2,b\n3,a\n", ["--label", "y"],
                     "column 'text' (--text) holds numbers, not texts"),
}


def _bad_args(tmp_path, name):
    content, extra, expected = BAD_INPUTS[name]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    text = ["--text", "text"] if name not in ("missing file", "empty file") else []
    return ["compare", str(path), *text, *extra, "--output", str(tmp_path / "out")], expected


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_main(name, tmp_path, capsys):
    args, expected = _bad_args(tmp_path, name)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("sklearn-imbal: error: ") and expected in err
    assert err.count("\n") == 1  # one line
    assert not (tmp_path / "out").exists()


_RUN_AS_MAIN = """
import contextlib, io, json, runpy, sys
codes = []
for argv in json.loads(sys.argv[1]):
    sys.argv = ["sklearn_imbal", *argv]
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            runpy.run_module("sklearn_imbal", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            codes.append([exc.code, err.getvalue()])
print(json.dumps(codes))
"""


def test_bad_input_subprocess(tmp_path):
    """``python -m sklearn_imbal`` on every bad input: exit code 2, one line, no traceback.

    One real ``python -m sklearn_imbal`` process, then one interpreter that runs the same
    ``__main__`` module with ``runpy`` (what ``-m`` does) for every bad input, so the test
    pays the package import twice rather than once per input.
    """
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    args, expected = _bad_args(tmp_path, "missing column")
    done = subprocess.run([sys.executable, "-m", "sklearn_imbal", *args], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and expected in done.stderr

    cases = []
    for name in BAD_INPUTS:
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        cases.append(_bad_args(folder, name))
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AS_MAIN, json.dumps([argv for argv, _ in cases])],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for (name, (argv, expected)), (code, err) in zip(zip(BAD_INPUTS, cases), results):
        assert code == 2, name
        assert "Traceback" not in err and expected in err, name
        assert err.count("\n") == 1, name


def test_argument_errors(capsys):
    assert main(["compare", "--cv", "1"]) == 2
    assert "--cv must be at least 2" in capsys.readouterr().err
    assert main(["compare", "--techniques", "magic"]) == 2
    assert "unknown technique(s) magic" in capsys.readouterr().err
    assert main(["compare", "--model-kwargs", "{oops"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["compare", "--label", "y"]) == 2
    assert "describe a DATA.csv file" in capsys.readouterr().err
    assert main(["compare", "--rank-by", "accuracy"]) == 2  # argparse: invalid choice
    assert "invalid choice" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["compare", "--model-path", "/no/such/model"]) == 2
    assert "neither a local folder" in capsys.readouterr().err
    assert main(["--help"]) == 0


@pytest.mark.parametrize("argv, option", [
    (["compare", "--model", "bogus"], "argument --model: invalid choice: 'bogus'"),
    (["compare", "--cv", "abc"], "argument --cv: invalid int value: 'abc'"),
    (["compare", "--rank-by", "accuracy"], "argument --rank-by: invalid choice"),
    (["report", "data.csv"], "the following arguments are required: --label"),
    ([], "the following arguments are required: COMMAND"),
    (["compare", "--random-state", "-1"], "--random-state must be in [0, 4294967295], got -1"),
    (["compare", "--random-state", str(2**32)], "--random-state must be in [0, 4294967295]"),
    (["compare", "--repeats", "0"], "--repeats must be at least 1, got 0"),
    (["compare", "--jobs", "0"], "--jobs must be at least 1, or -1 for one per CPU, got 0"),
    (["compare", "--threads-per-job", "0"], "--threads-per-job must be at least 1, got 0"),
])
def test_argument_errors_are_one_line(argv, option, capsys):
    assert main(argv) == 2
    captured = _one_line_error(capsys, option)
    assert "usage:" not in captured.err and "Traceback" not in captured.err


def test_report_missing_labels_one_line(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,a\n2,NA\n3,b\n4,\n")
    assert main(["report", str(path), "--label", "y"]) == 2
    _one_line_error(capsys, "2 rows have no label in 'y' (lines 3, 5)")


@pytest.mark.parametrize("case", ["unknown option", "finetune unknown option", "no model"])
def test_model_settings_checked_before_any_work(case, tweets_csv, tiny_bert_path, tmp_path,
                                                capsys):
    """A model folder that holds no model or a loading option the model does not take:
    one line naming the option, before the data is summarised or anything is fitted."""
    model = ["--model", "finetune" if "finetune" in case else "embeddings"]
    if case == "no model":
        (tmp_path / "folder").mkdir()
        (tmp_path / "folder" / "notes.txt").write_text("not a model")
        model += ["--model-path", str(tmp_path / "folder")]
        expected = "--model-path: "
    else:
        model += ["--model-path", tiny_bert_path, "--model-kwargs", '{"bogus": 1}']
        expected = "--model-path with --model-kwargs: "
    code = main(["compare", str(tweets_csv), "--text", "text", "--label", "angry", *model,
                 "--cv", "2", "--quiet", "--output", str(tmp_path / "out")])
    assert code == 2
    captured = _one_line_error(capsys, expected)
    assert "bogus" in captured.err or case == "no model"
    assert captured.out == "" and not (tmp_path / "out").exists()


class _ChatHandler(BaseHTTPRequestHandler):
    """A loopback OpenAI-compatible chat endpoint: every reply is 10 new angry tweets."""

    counter = itertools.count()

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((self.headers.get("Authorization"), request["model"]))
        texts = [f"so angry about delay number {next(self.counter)} today" for _ in range(10)]
        body = json.dumps({
            "id": "x", "object": "chat.completion", "created": 0, "model": request["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(texts)}}],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def chat_server():
    """The loopback chat endpoint, serving in a thread; ``seen`` records the requests."""
    pytest.importorskip("openai")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatHandler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _llm_compare(data, model_path, output, server, key_variable):
    return main(["compare", str(data), "--text", "text", "--label", "angry",
                 "--model", "embeddings", "--model-path", model_path, "--cv", "2",
                 "--techniques", "augmentation", "--quiet", "--output", str(output),
                 "--llm-base-url", f"http://127.0.0.1:{server.server_port}/v1",
                 "--llm-model", "tiny-chat", "--llm-api-key-env", key_variable])


def test_compare_with_llm_augmenter(tweets_csv, tiny_bert_path, tmp_path, capsys, monkeypatch,
                                    chat_server):
    server = chat_server
    monkeypatch.setenv("MY_LLM_KEY", "sk-secret-123")
    code = _llm_compare(tweets_csv, tiny_bert_path, tmp_path, server, "MY_LLM_KEY")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "augmentation: LLM tiny-chat at http://127.0.0.1" in captured.out
    assert "sk-secret-123" not in captured.out + captured.err
    assert server.seen and server.seen[0] == ("Bearer sk-secret-123", "tiny-chat")
    results = json.loads((tmp_path / "results.json").read_text())
    assert len(results["fold_scores"]["augmentation"]) == 2


def test_llm_key_variable_unset_is_refused(tweets_csv, tiny_bert_path, tmp_path, capsys,
                                           monkeypatch, chat_server):
    """--llm-api-key-env naming an unset variable is one line before any work, and the
    OPENAI_API_KEY of the environment is never sent to the endpoint instead."""
    monkeypatch.delenv("MY_UNSET_LLM_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-other-service")
    code = _llm_compare(tweets_csv, tiny_bert_path, tmp_path, chat_server, "MY_UNSET_LLM_KEY")
    assert code == 2
    captured = _one_line_error(capsys, "--llm-api-key-env: the environment variable "
                                       "MY_UNSET_LLM_KEY is not set")
    assert chat_server.seen == []
    assert "sk-other-service" not in captured.out + captured.err


# --------------------------------------------------------------------------- fit / predict
def test_fit_from_results_then_predict(churn_csv, tmp_path, capsys):
    """compare -> fit --from-results -> predict: the recommendation trained on every row,
    saved, and its predictions in input order, equal to the library's own."""
    from sklearn_imbal import load
    from sklearn_imbal.compare import ComparisonResult
    from sklearn_imbal.persistence import read_card

    assert main(_fast_compare(churn_csv, tmp_path / "out")) == 0
    result = ComparisonResult.from_json(tmp_path / "out" / "results.json")
    assert main(["fit", str(churn_csv), "--label", "churn", "--from-results",
                 str(tmp_path / "out"), "--output", str(tmp_path / "model")]) == 0
    out = capsys.readouterr().out
    assert f"Training {result.labels[result.ranking[0]]} on all 150 rows" in out
    card = read_card(tmp_path / "model")
    assert card["technique"] == result.ranking[0]
    assert card["extra"]["label"] == "churn" and card["training"]["n_samples"] == 150
    new = _churn_frame(12).drop(columns="churn").iloc[::-1]  # another order
    new.to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "new.csv"),
                 "--output", str(tmp_path / "preds.csv")]) == 0
    preds = pd.read_csv(tmp_path / "preds.csv")
    model = load(tmp_path / "model")
    assert list(preds.columns) == ["prediction", "proba_0", "proba_1"]
    np.testing.assert_array_equal(preds["prediction"], model.predict(new))
    np.testing.assert_allclose(preds[["proba_0", "proba_1"]], model.predict_proba(new))
    assert capsys.readouterr().out == f"Wrote 12 predictions to {tmp_path / 'preds.csv'}\n"
    # stdout without --output; an existing --output is not replaced without --overwrite
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "new.csv")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "prediction,proba_0,proba_1"
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "new.csv"),
                 "--output", str(tmp_path / "preds.csv")]) == 2
    _one_line_error(capsys, "preds.csv exists; pass --overwrite")


def test_fit_named_technique_text_and_predict(tweets_csv, tiny_bert_path, tmp_path, capsys):
    code = main(["fit", str(tweets_csv), "--label", "angry", "--text", "text",
                 "--technique", "class_weight", "--model", "embeddings", "--model-path",
                 tiny_bert_path, "--cv", "2", "--quiet", "--output", str(tmp_path / "m")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Measuring class_weight against the baseline (2-fold" in out
    frame = pd.read_csv(tweets_csv).head(6)
    frame[["text"]].to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "new.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "prediction,proba_no,proba_yes" and len(lines) == 7
    # An empty text is reported by its CSV line, nothing is written.
    frame.loc[3, "text"] = ""
    frame[["text"]].to_csv(tmp_path / "bad.csv", index=False)
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "bad.csv"),
                 "--output", str(tmp_path / "p.csv")]) == 2
    _one_line_error(capsys, "1 rows have an empty, missing", "(lines 5)")
    assert not (tmp_path / "p.csv").exists()


def test_predict_bad_numbers_by_line_and_missing_columns(churn_csv, tmp_path, capsys):
    assert main(["fit", str(churn_csv), "--label", "churn", "--technique", "baseline",
                 "--cv", "2", "--quiet", "--output", str(tmp_path / "m")]) == 0
    capsys.readouterr()
    (tmp_path / "bad.csv").write_text("income,region\n50,north\n,south\n12x,north\ninf,south\n")
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "bad.csv")]) == 2
    _one_line_error(capsys, "column 'income' holds values that are not numbers (lines 4)")
    (tmp_path / "inf.csv").write_text("income,region\n50,north\n,south\ninf,south\n")
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "inf.csv")]) == 2
    _one_line_error(capsys, "infinite values (lines 4)")
    (tmp_path / "cols.csv").write_text("region\nnorth\n")
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "cols.csv")]) == 2
    _one_line_error(capsys, "lacks the column(s) 'income'")
    # A missing number is imputed, as in training: that row is predicted.
    (tmp_path / "gap.csv").write_text("income,region\n50,north\n,south\n")
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "gap.csv")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.mark.parametrize("case, expected", [
    ("nothing to train", "say what to train: --from-results DIR"),
    ("no results", "--from-results: from_json: no such file"),
    ("changed setting", "--cv set the comparison; with --from-results"),
    ("not evaluated", "--technique: technique='smote' was not evaluated"),
    ("text vs tabular", "--from-results compared tabular data, but"),
    ("model missing", "holds no card.json"),
    ("tampered model", "was changed after it was saved"),
])
def test_fit_predict_errors_are_one_line(case, expected, churn_csv, tmp_path, capsys):
    data, out, model = str(churn_csv), str(tmp_path / "out"), str(tmp_path / "model")
    base = ["fit", data, "--label", "churn", "--output", model]
    if case in ("changed setting", "not evaluated", "text vs tabular", "tampered model"):
        assert main(_fast_compare(churn_csv, out)) == 0
    argv = {
        "nothing to train": base,
        "no results": base + ["--from-results", str(tmp_path / "none")],
        "changed setting": base + ["--from-results", out, "--cv", "3"],
        "not evaluated": base + ["--from-results", out, "--technique", "smote"],
        "text vs tabular": base + ["--from-results", out, "--text", "region"],
        "model missing": ["predict", str(tmp_path), data],
        "tampered model": ["predict", model, data],
    }[case]
    if case == "tampered model":
        assert main(base + ["--from-results", out]) == 0
        (tmp_path / "model" / "estimator.skops").write_bytes(b"changed")
    capsys.readouterr()
    assert main(argv) == 2
    _one_line_error(capsys, expected)
