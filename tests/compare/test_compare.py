"""Tests of compare_techniques and ComparisonResult on real components (small data)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import train_test_split

from sklearn_imbal.compare import (
    TECHNIQUES,
    ComparisonResult,
    DataError,
    compare_techniques,
)
from sklearn_imbal.compare._techniques import (
    REGISTRY,
    Builder,
    EmbeddingStore,
    tuning_scorer,
)
from sklearn_imbal.datasets import load_vader_tweets
from sklearn_imbal.metrics import imbalanced_scores


def _tweets(n, random_state=0):
    X, y = load_vader_tweets(return_X_y=True)
    keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y,
                               random_state=random_state)
    return [X[i] for i in keep], y[keep]


@pytest.fixture(scope="module")
def text_result(tiny_bert_path):
    """All techniques on 300 bundled tweets, tiny random BERT embeddings, 3 folds."""
    X, y = _tweets(300)
    return compare_techniques(X, y, model="embeddings", model_path=tiny_bert_path, cv=3,
                              progress=False)


def test_every_technique_evaluated_on_the_same_splits(text_result):
    result = text_result
    assert set(result.fold_scores) | set(result.skipped) == set(TECHNIQUES)
    assert result.skipped == {}  # every technique applies to text embeddings
    assert result.labels["smote"] == "SMOTE on embeddings"
    assert result.labels["best_combination"].endswith("+ threshold tuning")
    # The folds are stratified and cover every sample once.
    assert sorted(np.unique(result.folds)) == [0, 1, 2]
    minority_per_fold = [int((result.y[result.folds == k] == 1).sum()) for k in range(3)]
    assert max(minority_per_fold) - min(minority_per_fold) <= 1
    # Every technique's fold-k scores are those of its out-of-fold predictions on the
    # samples of fold k: the same test folds for all of them.
    for technique, folds in result.fold_scores.items():
        proba, pred = result.oof_proba[technique], result.oof_pred[technique]
        assert not np.isnan(proba).any()
        for k, scores in enumerate(folds):
            mask = result.folds == k
            with warnings.catch_warnings():  # a head that never predicts the minority
                warnings.simplefilter("ignore", UndefinedMetricWarning)
                expected = imbalanced_scores(result.y[mask], pred[mask], proba[mask],
                                             labels=[0, 1], pos_label=1)
            assert scores["mcc"] == pytest.approx(expected["mcc"])
            assert scores["average_precision"] == pytest.approx(expected["average_precision"],
                                                                abs=1e-6)
            assert scores["fit_time"] > 0


def test_ranking_table_and_recommendation(text_result):
    result = text_result
    ranking = result.ranking
    means = [result.summary(t)["mcc"][0] for t in ranking]
    assert means == sorted(means, reverse=True)
    table = result.table
    assert list(table.index) == ranking
    assert {"mcc_mean", "mcc_sd", "brier_score_mean", "fit_time_mean"} <= set(table.columns)
    assert result.recommendation.startswith("Recommended:")
    assert "MCC" in result.recommendation
    text = result.format_table()
    for header in ("macro F1", "min. prec", "min. rec", "AUROC", "AP", "MCC", "Brier", "fit s"):
        assert header in text
    assert "±" in text


def test_json_round_trip(text_result, tmp_path):
    result = text_result
    data = json.loads(result.to_json(tmp_path / "r.json"))
    assert data["ranking"] == result.ranking
    again = ComparisonResult.from_json(tmp_path / "r.json")
    assert again.to_dict() == ComparisonResult.from_dict(data).to_dict()
    assert again.ranking == result.ranking
    assert again.recommendation == result.recommendation
    assert again.format_table() == result.format_table()
    np.testing.assert_allclose(again.oof_proba["baseline"], result.oof_proba["baseline"],
                               atol=1e-6)


def test_save_writes_json_csv_and_pngs(text_result, tmp_path):
    written = text_result.save(tmp_path / "out")
    assert set(written) == {"json", "csv", "html", "pr_curves", "threshold_curve"}
    for kind in ("pr_curves", "threshold_curve"):
        content = written[kind].read_bytes()
        assert content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) > 10_000
    assert pd.read_csv(written["csv"], index_col=0).shape[0] == len(text_result.ranking)


@pytest.mark.parametrize("technique", ["class_weight", "smote", "best_combination"])
def test_make_estimator_reproduces_the_compared_technique(text_result, technique):
    """The estimator for a technique, fitted on a training fold of the comparison, gives
    that fold's out-of-fold probabilities: the same construction, seed and scorer, with a
    real TransformerEmbedder in place of the comparison's shared cache."""
    from sklearn_imbal.text import TransformerEmbedder

    result = text_result
    X, y = _tweets(300)
    model = result.make_estimator(technique)
    assert "TransformerEmbedder" in str(model)  # embeds new texts itself
    if technique == "best_combination":
        assert type(model[-1]).__name__ == "ThresholdTunedClassifier"
        assert result.info["combination_base"] in result.fold_scores
    train, test = np.flatnonzero(result.folds != 0), np.flatnonzero(result.folds == 0)
    model.fit([X[i] for i in train], y[train])
    proba = model.predict_proba([X[i] for i in test])
    # Embedding batches differ from the cache's (padding), hence float noise only.
    np.testing.assert_allclose(proba, result.oof_proba[technique][test], atol=1e-2)
    pred = model.predict(pd.Series([X[i] for i in test]))
    assert np.mean(pred == result.oof_pred[technique][test]) >= 0.98
    embedders = [step for step in model[-1].get_params().values()
                 if isinstance(step, TransformerEmbedder)]
    assert embedders or technique == "best_combination"


def test_save_leaves_the_matplotlib_backend_and_pyplot_alone(tmp_path):
    """``save`` draws on its own Figures: the user's backend (here svg) stays, and no
    figure is left open in pyplot."""
    import matplotlib
    import matplotlib.pyplot as plt
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    result = compare_techniques(X, y, cv=2, progress=False, techniques=["class_weight"])
    previous = matplotlib.get_backend()
    matplotlib.use("svg")
    try:
        figures = plt.get_fignums()
        written = result.save(tmp_path)
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == figures
    finally:
        matplotlib.use(previous)
    assert written["threshold_curve"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_threshold_curve_is_the_display_of_the_out_of_fold_scores(text_result):
    """The plot is ThresholdCurveDisplay.from_predictions on the minority's out-of-fold
    probabilities, one curve per test fold, for the tuning scorer."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import matthews_corrcoef

    result = text_result
    display = result.plot_threshold_curve("class_weight")
    score = result.oof_proba["class_weight"][:, 1]
    assert display.fold_scores.shape == (3, len(display.thresholds))
    k, t = 1, len(display.thresholds) // 2
    mask = result.folds == k
    pred = (score[mask] >= display.thresholds[t]).astype(int)
    assert display.fold_scores[k, t] == pytest.approx(matthews_corrcoef(result.y[mask], pred))
    assert display.best_score == pytest.approx(display.scores.max())
    assert display.ax_.get_ylabel() == "MCC"
    assert display.ax_.get_title() == "class weights (balanced): out-of-fold MCC by threshold"
    plt.close(display.figure_)


def test_registry_is_the_one_list_of_techniques():
    from sklearn_imbal.utils._technique_names import LABELS

    assert TECHNIQUES == tuple(REGISTRY) == tuple(LABELS)
    assert {name: t.label for name, t in REGISTRY.items()} == LABELS
    assert [t for t in TECHNIQUES if REGISTRY[t].expensive] == ["focal_loss", "augmentation"]
    assert [t for t in TECHNIQUES if not REGISTRY[t].combines] == [
        "baseline", "threshold", "best_combination"]


@pytest.mark.parametrize("family, not_applicable", [
    ("embeddings", set()), ("tabular", {"augmentation"}), ("finetune", {"smote"})])
def test_builder_builds_every_registry_technique(family, not_applicable):
    from sklearn_imbal.threshold import ThresholdTunedClassifier

    y = np.array([0] * 20 + [1] * 8)
    builder = Builder(family, random_state=0, augmenter=None, augmentation_ratio=0.5,
                      tuning=tuning_scorer("mcc", 1, True), minority=1, binary=True,
                      store=EmbeddingStore(None), columns=(["x0"], []))
    assert set(builder.not_applicable()) == not_applicable
    for name in TECHNIQUES:
        if name == "best_combination":
            with pytest.raises(ValueError, match="built around a base technique"):
                builder.build(name, y)
            continue
        assert hasattr(builder.build(name, y), "fit")
    for base in ("class_weight", "focal_loss"):
        tuned = builder.combination(base, y)
        assert isinstance(tuned, ThresholdTunedClassifier)
        one_split = family == "finetune" or REGISTRY[base].expensive
        assert tuned.cv == (0.25 if one_split else 3)
    with pytest.raises(ValueError, match="unknown technique 'magic'"):
        builder.build("magic", y)


def test_make_estimator_defaults_to_the_winner_and_survives_json(text_result, tmp_path):
    result = text_result
    winner = result.make_estimator()
    again = ComparisonResult.from_json(result.to_json(tmp_path / "r.json"))
    assert str(again.make_estimator()) == str(winner)
    assert str(winner) == str(result.make_estimator(result.ranking[0]))
    with pytest.raises(ValueError, match="not evaluated in this comparison"):
        result.make_estimator("no_such_technique")


def test_make_estimator_tabular_reads_the_raw_frame():
    rng = np.random.RandomState(0)
    n = 240
    frame = pd.DataFrame({"amount": rng.lognormal(size=n),
                          "channel": rng.choice(["web", "shop", "phone"], n)})
    y = np.where((frame["amount"] > 2.5) & (frame["channel"] != "shop"), "fraud", "ok")
    result = compare_techniques(frame, y, cv=3, progress=False,
                                techniques=["smote", "threshold", "best_combination"])
    train, test = np.flatnonzero(result.folds != 1), np.flatnonzero(result.folds == 1)
    for technique in result.ranking:
        model = result.make_estimator(technique).fit(frame.iloc[train], y[train])
        np.testing.assert_allclose(model.predict_proba(frame.iloc[test]),
                                   result.oof_proba[technique][test], atol=1e-8)
    assert "smote" not in result.skipped
    with pytest.raises(ValueError, match="augmentation.*not evaluated"):
        result.make_estimator("augmentation")


def test_resampling_happens_in_training_folds_only(tiny_bert_path):
    from sklearn_imbal.text import TransformerEmbedder

    X, y = _tweets(120)
    X = np.asarray(X, dtype=object).reshape(-1, 1)
    train, test = train_test_split(np.arange(len(y)), stratify=y, random_state=0)
    embedder = TransformerEmbedder(tiny_bert_path).fit(["a"])
    store = EmbeddingStore(embedder)
    builder = Builder("embeddings", random_state=0, augmenter=None, augmentation_ratio=0.5,
                      tuning=tuning_scorer("mcc", 1, True), minority=1, binary=True,
                      store=store)
    n_major, n_minor = np.bincount(y[train])
    for name, expected in [("random_oversampling", {0: n_major, 1: n_major}),
                           ("random_undersampling", {0: n_minor, 1: n_minor})]:
        pipe = builder.build(name, y[train]).fit(X[train], y[train])
        sampler = pipe.steps[1][1]
        resampled = sampler.fit_resample(store.embed(list(X[train, 0])), y[train])[1]
        assert dict(zip(*np.unique(resampled, return_counts=True))) == expected
        assert pipe.predict_proba(X[test]).shape == (len(test), 2)  # test rows untouched
    # Augmentation writes new minority texts from the training fold's minority only.
    pipe = builder.build("augmentation", y[train]).fit(X[train], y[train])
    sampler = pipe.steps[0][1]
    assert sampler.n_synthetic_[1] == int(np.ceil(0.5 * n_major)) - n_minor
    train_words = {w for text in X[train][y[train] == 1, 0] for w in text.split()}
    synthetic = [t for t in store.vectors if t not in set(X[:, 0])]
    assert len(synthetic) > 0
    assert all(set(text.split()) <= train_words for text in synthetic)


def test_tabular_mixed_columns():
    rng = np.random.RandomState(0)
    n = 240
    frame = pd.DataFrame({
        "amount": rng.lognormal(size=n),
        "age": rng.randint(18, 80, n).astype(float),
        "channel": rng.choice(["web", "shop", "phone"], n),
        "country": rng.choice(["NL", "DE", None], n),
    })
    frame.loc[::17, "age"] = np.nan
    y = np.where((frame["amount"] > 2.5) & (frame["channel"] != "shop"), "fraud", "ok")
    result = compare_techniques(frame, y, cv=3, progress=False,
                                techniques=["class_weight", "smote", "augmentation",
                                            "threshold", "best_combination"])
    assert result.info["kind"] == "tabular"
    assert result.info["columns"] == {"numeric": ["amount", "age"],
                                      "categorical": ["channel", "country"]}
    assert "text only" in result.skipped["augmentation"]
    assert set(result.fold_scores) == {"baseline", "class_weight", "smote", "threshold",
                                       "best_combination"}
    assert result.minority == "fraud"
    assert result.summary("baseline")["auroc"][0] > 0.8


def test_multiclass_and_rank_by(tmp_path):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4,
                               weights=[0.7, 0.2, 0.1], random_state=0)
    result = compare_techniques(X, y, cv=3, progress=False, rank_by="macro_f1",
                                techniques=["random_oversampling", "threshold"])
    assert result.minority == 2
    assert result.oof_proba["threshold"].shape == (300, 3)
    means = [result.summary(t)["macro_f1"][0] for t in result.ranking]
    assert means == sorted(means, reverse=True)
    assert "macro F1" in result.recommendation
    # Multiclass: PR curves of the minority class, no threshold curve.
    assert set(result.save(tmp_path)) == {"json", "csv", "html", "pr_curves"}


def test_brier_ranks_lower_is_better():
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=200, weights=[0.85], random_state=1)
    result = compare_techniques(X, y, cv=3, progress=False, rank_by="brier_score",
                                techniques=["class_weight"])
    briers = [result.summary(t)["brier_score"][0] for t in result.ranking]
    assert briers == sorted(briers)
    assert result.info["notes"] == ["threshold tuning does not change Brier score: tuned "
                                    "for MCC instead"]


def test_finetune_family(tiny_bert_path):
    X, y = _tweets(150, random_state=1)
    result = compare_techniques(X, y, model="finetune", model_path=tiny_bert_path,
                                max_epochs=1, cv=2, progress=False,
                                techniques=["smote", "threshold"])
    assert result.info["family"] == "finetune"
    assert "nothing to interpolate" in result.skipped["smote"]
    assert set(result.fold_scores) == {"baseline", "threshold"}
    assert any("slow on a CPU" in note for note in result.info["notes"])


@pytest.mark.parametrize("X, y, match", [
    ([[0.0]] * 10, [1] * 10, "single class"),
    ([[0.0]] * 10, [0] * 8 + [1] * 2, "fewer than|'1' has 2 examples|1 has 2 examples"),
    ([[0.0]] * 6, [0] * 5 + [1], "has 1 example;"),
    (["a", "", "c", "d", "e", "f"], [0, 0, 0, 1, 1, 1], "empty, missing"),
    (["a", None, "c", "d", "e", "f"], [0, 0, 0, 1, 1, 1], "rows 1"),
    ([[0.0]] * 6, [0, 0, 0, 1, 1, None], "missing label"),
])
def test_bad_data_raises_clear_errors(X, y, match):
    with pytest.raises(DataError, match=match):
        compare_techniques(X, y, cv=2 if "fewer" not in match else 5, progress=False,
                           kind="text" if isinstance(X[0], str) or X[1] is None else "auto")


def test_unknown_technique():
    with pytest.raises(ValueError, match="Unknown techniques"):
        compare_techniques([[0.0], [1.0]] * 5, [0, 1] * 5, cv=2, techniques=["magic"],
                           progress=False)


@pytest.mark.slow
def test_real_default_on_bundled_tweets(tmp_path):
    """The packaged MiniLM on all 4,200 bundled tweets, 2 folds (minutes on a CPU)."""
    tweets = load_vader_tweets()
    result = compare_techniques(tweets.data, tweets.target, model="embeddings", cv=2,
                                progress=False)
    assert result.skipped == {}
    assert result.summary("baseline")["auroc"][0] > 0.85
    assert result.summary(result.ranking[0])["mcc"][0] > 0.4
    assert set(result.save(tmp_path)) == {"json", "csv", "pr_curves", "threshold_curve"}


@pytest.fixture(scope="module")
def small_result():
    """Baseline and class weights on 120 tabular samples, 2 folds (fast)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=120, weights=[0.8], random_state=0)
    return compare_techniques(X, y, cv=2, progress=False, techniques=["class_weight"])


def test_save_refuses_a_folder_it_did_not_write(small_result, tmp_path):
    """A user's own results.csv (and anything else) in a folder not written by save is
    left alone unless overwrite=True, which replaces our file names only."""
    (tmp_path / "results.csv").write_text("user's own results\n")
    (tmp_path / "notes.txt").write_text("keep me\n")
    with pytest.raises(FileExistsError, match=r"folder=.*not empty.*overwrite=True"):
        small_result.save(tmp_path)
    assert (tmp_path / "results.csv").read_text() == "user's own results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "results.csv"]
    written = small_result.save(tmp_path, overwrite=True)
    assert pd.read_csv(written["csv"], index_col=0).shape[0] == 2
    assert (tmp_path / "notes.txt").read_text() == "keep me\n"
    # Now the folder is ours (results.json): saving again needs no overwrite.
    assert set(small_result.save(tmp_path)) == set(written)


def test_save_refuses_a_results_json_of_someone_else(small_result, tmp_path):
    """A user's own results.json does not make the folder ours."""
    (tmp_path / "results.json").write_text('{"accuracy": 0.9}')
    with pytest.raises(FileExistsError, match="not empty"):
        small_result.save(tmp_path)
    assert (tmp_path / "results.json").read_text() == '{"accuracy": 0.9}'


@pytest.mark.parametrize("where, error, match", [
    ("file", NotADirectoryError, "folder=.* is a file"),
    ("file/out", NotADirectoryError, "is inside the file"),
    ("/proc/out", PermissionError, "folder='/proc/out' cannot be written"),  # even for root
])
def test_save_checks_the_folder_before_writing(small_result, tmp_path, where, error, match):
    (tmp_path / "file").write_text("x")
    with pytest.raises(error, match=match):
        small_result.save(tmp_path / where)
    assert (tmp_path / "file").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_from_json_reads_a_path_starting_with_a_brace(small_result, tmp_path, monkeypatch):
    """A string starting with '{' is JSON text only when it names no file."""
    monkeypatch.chdir(tmp_path)
    small_result.save("{run 1}")
    again = ComparisonResult.from_json("{run 1}/results.json")
    assert again.ranking == small_result.ranking
    assert ComparisonResult.from_json(small_result.to_json()).ranking == small_result.ranking


@pytest.mark.parametrize("content, error, match", [
    (None, FileNotFoundError, "no such file '.*r.json'"),
    ("truncated", ValueError, r"the file '.*r.json' is not valid JSON \(.* at line \d+"),
    (b"{\"y\": \"d\xe9j\xe0\"}", ValueError, "'.*r.json' is not UTF-8 text"),
    ("[1, 2]", ValueError, "the file '.*r.json' holds a list, not the dict"),
    ('{"y": [0, 1]}', ValueError, r"'.*r.json' is not a saved comparison: it misses \['fold"),
    ("[" * 100_000, ValueError, "'.*r.json' is nested too deeply"),
    ("edited", ValueError, r"'.*r.json' is not a valid saved comparison \(AttributeError"),
])
def test_from_json_bad_files_name_the_file(small_result, tmp_path, content, error, match):
    path = tmp_path / "r.json"
    if content == "truncated":
        content = small_result.to_json()[:500]
    elif content == "edited":
        data = small_result.to_dict()
        data["fold_scores"] = [data["fold_scores"]]
        content = json.dumps(data)
    if content is not None:
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    for source in (path, str(path)):
        with pytest.raises(error, match=match):
            ComparisonResult.from_json(source)


def test_from_json_bad_text_and_folder(tmp_path):
    with pytest.raises(ValueError, match=r"source '\{oops' names no file and is not valid "
                                         "JSON text"):
        ComparisonResult.from_json("{oops")
    with pytest.raises(IsADirectoryError, match="is a folder; pass the results.json"):
        ComparisonResult.from_json(tmp_path)
    with pytest.raises(ValueError, match="data holds a list"):
        ComparisonResult.from_dict([])


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_feature_names_the_column(value):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"amount": rng.normal(size=40), "channel": ["web", "shop"] * 20})
    frame.loc[[3, 7], "amount"] = value
    y = [0, 1] * 20
    with pytest.raises(DataError, match=r"Column 'amount' holds 2 infinite values \(inf or "
                                        r"-inf; rows 3, 7, counted from 0\)"):
        compare_techniques(frame, y, cv=2, progress=False, techniques=[])
    with pytest.raises(DataError, match="Column 'x1' holds 2 infinite values"):
        compare_techniques(frame[["channel", "amount"]].assign(channel=0.5).to_numpy(), y,
                           cv=2, progress=False, techniques=[])


def test_empty_feature_column_is_left_out_with_a_note():
    """Missing values are imputed; a column with none at all (a CSV's trailing comma)
    teaches nothing and is left out, with a note, also from the deployed estimator."""
    rng = np.random.RandomState(0)
    n = 120
    frame = pd.DataFrame({"amount": rng.normal(size=n), "empty": np.nan,
                          "none": pd.Series([None] * n, dtype=object),
                          "channel": rng.choice(["web", "shop"], n)})
    y = np.where(frame["amount"] + rng.normal(0, 0.5, n) > 1, "fraud", "ok")
    frame.loc[::9, "amount"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no imputer warning about skipped features
        result = compare_techniques(frame, y, cv=2, progress=False,
                                    techniques=["class_weight"])
    assert result.skipped == {}
    assert result.info["columns"] == {"numeric": ["amount"], "categorical": ["channel"]}
    assert "columns 'empty', 'none' left out: no values (every cell is empty)" in \
        result.info["notes"]
    model = result.make_estimator("class_weight").fit(frame, y)
    assert model.predict_proba(frame.iloc[:5]).shape == (5, 2)
    with pytest.raises(DataError, match="Every feature column is empty"):
        compare_techniques(frame[["empty", "none"]], y, cv=2, progress=False)


# ------------------------------------------------------------------ repeats, paired tests
def test_repeats_score_every_technique_on_the_same_repeated_folds(tmp_path):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

    X, y = make_classification(n_samples=240, weights=[0.85], random_state=0)
    result = compare_techniques(X, y, cv=3, repeats=2, progress=False,
                                techniques=["class_weight"])
    seed = result.info["build"]["seed"]
    splits = list(RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=seed)
                  .split(X, y))
    assert result.info["repeats"] == 2
    for technique, folds in result.fold_scores.items():
        assert len(folds) == 6
        # Fold j's scores are those of a model fitted on split j's training rows.
        for j, (train, test) in enumerate(splits):
            model = result.make_estimator(technique).fit(X[train], y[train])
            assert folds[j]["mcc"] == pytest.approx(
                imbalanced_scores(y[test], model.predict(X[test]), labels=[0, 1],
                                  pos_label=1)["mcc"])
    # The out-of-fold values (the plots) are the first repeat's: one per row.
    first = np.empty(len(y), dtype=int)
    for k, (_, test) in enumerate(splits[:3]):
        first[test] = k
    np.testing.assert_array_equal(result.folds, first)
    np.testing.assert_allclose(result.oof_proba["class_weight"][splits[0][1]],
                               result.make_estimator("class_weight").fit(
                                   X[splits[0][0]], y[splits[0][0]]).predict_proba(
                                   X[splits[0][1]]))
    assert "repeated 2 times (6 folds)" in result.recommendation
    # repeats=1 keeps the comparison's former folds: one StratifiedKFold.
    single = compare_techniques(X, y, cv=3, progress=False, techniques=[])
    for k, (_, test) in enumerate(StratifiedKFold(3, shuffle=True, random_state=seed).split(
            X, y)):
        np.testing.assert_array_equal(np.flatnonzero(single.folds == k), test)
    # results.json keeps the repeats, every fold and the paired tests.
    again = ComparisonResult.from_json(result.to_json(tmp_path / "r.json"))
    assert again.info["repeats"] == 2 and len(again.fold_scores["baseline"]) == 6
    assert again.recommendation == result.recommendation
    assert again.paired_test("class_weight") == result.paired_test("class_weight")
    saved = json.loads((tmp_path / "r.json").read_text())["paired_tests"]
    assert saved["vs_baseline"]["class_weight"]["difference"] == pytest.approx(
        result.paired_test("class_weight")["difference"])


def test_paired_test_is_the_corrected_t_test_of_the_fold_differences(text_result):
    from sklearn_imbal.compare._stats import corrected_resampled_ttest

    result = text_result
    best, runner = result.ranking[:2]
    test = result.paired_test(best, runner)
    differences = [a["mcc"] - b["mcc"] for a, b in zip(result.fold_scores[best],
                                                       result.fold_scores[runner])]
    expected = corrected_resampled_ttest(differences, 1 / (3 - 1))
    assert {k: test[k] for k in expected} == expected
    assert (test["technique"], test["other"], test["metric"]) == (best, runner, "mcc")
    # The table's vs-baseline columns and the recommendation come from the same tests.
    table = result.table
    assert np.isnan(table.loc["baseline", "vs_baseline_p"])
    for technique in result.fold_scores:
        if technique != "baseline":
            vs = result.paired_test(technique)
            assert table.loc[technique, "vs_baseline_low"] == vs["low"]
            assert table.loc[technique, "vs_baseline_p"] == vs["p_value"]
    words = {"better": "better than", "not distinguishable": "not distinguishable from"}
    if best != "baseline":
        vs = result.paired_test(best)
        assert (f"It is {words[vs['verdict']]} the baseline at 95% (MCC difference "
                f"{vs['difference']:+.3f}, interval [{vs['low']:+.3f}, {vs['high']:+.3f}]"
                ) in result.recommendation
    if "baseline" not in (best, runner):
        assert (f"the recommendation is {words[test['verdict']]} it at 95% (MCC difference "
                f"{test['difference']:+.3f}") in result.recommendation
    with pytest.raises(ValueError, match="'magic' was not evaluated"):
        result.paired_test("magic")


def test_a_clearly_better_technique_is_better_at_95_percent():
    """98% majority, weak signal: the plain model never predicts the minority (MCC 0 on
    every fold), the tuned threshold finds it on every fold."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=4000, weights=[0.98], flip_y=0, class_sep=0.5,
                               random_state=0)
    result = compare_techniques(X, y, cv=5, progress=False, techniques=["threshold"])
    assert [fold["mcc"] for fold in result.fold_scores["baseline"]] == [0.0] * 5
    assert min(fold["mcc"] for fold in result.fold_scores["threshold"]) > 0.05
    test = result.paired_test("threshold")
    assert test["verdict"] == "better" and test["low"] > 0 and test["p_value"] < 0.01
    assert result.ranking[0] == "threshold"
    assert (f"It is better than the baseline at 95% (MCC difference {test['difference']:+.3f}, "
            f"interval [{test['low']:+.3f}, {test['high']:+.3f}], corrected resampled "
            "t-test, p < 0.001)") in result.recommendation
    assert result.paired_test("baseline", "threshold")["verdict"] == "worse"


def test_the_same_model_under_two_names_is_not_distinguishable():
    """Threshold tuning moves the decision, not the probabilities: ranked by AUROC it is
    the baseline's model under another name, fold by fold."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    result = compare_techniques(X, y, cv=3, repeats=2, rank_by="auroc", progress=False,
                                techniques=["threshold"])
    assert [f["auroc"] for f in result.fold_scores["threshold"]] == [
        f["auroc"] for f in result.fold_scores["baseline"]]
    test = result.paired_test("threshold")
    assert (test["verdict"], test["difference"], test["low"], test["high"],
            test["p_value"]) == ("not distinguishable", 0, 0, 0, 1)
    assert ("The runner-up, threshold tuning (" in result.recommendation
            and "is not distinguishable from the baseline at 95% (AUROC difference +0.000, "
            "interval [+0.000, +0.000]" in result.recommendation)


def test_lower_is_better_metric_has_the_right_sign():
    """Brier score: the technique with the higher Brier score is the worse one; the
    difference keeps the metric's units and sign."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, weights=[0.9], random_state=1)
    result = compare_techniques(X, y, cv=5, rank_by="brier_score", progress=False,
                                techniques=["random_undersampling"])
    worse = result.paired_test("random_undersampling")
    better = result.paired_test("baseline", "random_undersampling")
    means = {t: result.summary(t)["brier_score"][0] for t in result.fold_scores}
    assert worse["difference"] == pytest.approx(means["random_undersampling"]
                                                - means["baseline"])
    assert worse["difference"] > 0 and worse["low"] > 0 and worse["verdict"] == "worse"
    assert better["difference"] == pytest.approx(-worse["difference"])
    assert better["high"] < 0 and better["verdict"] == "better"
    assert result.ranking == ["baseline", "random_undersampling"]
    mean, sd = result.summary("random_undersampling")["brier_score"]
    assert (f"The runner-up, random undersampling ({mean:.3f} ± {sd:.3f}), is worse than the "
            f"baseline at 95% (Brier score difference {worse['difference']:+.3f}"
            ) in result.recommendation


def test_failing_technique_names_its_fold_and_repeat():
    """Two minority examples and 2 folds: one per training fold, too few for SMOTE and
    for threshold tuning's inner folds; the comparison goes on without them."""
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = np.array([0] * 18 + [1] * 2)
    result = compare_techniques(X, y, cv=2, repeats=2, progress=False,
                                techniques=["smote", "threshold", "class_weight"])
    assert set(result.fold_scores) == {"baseline", "class_weight"}
    assert result.skipped["smote"] == (
        "failed on fold 1 of repeat 1: DataError: SMOTE needs 2 examples of each class per "
        "training fold")
    assert result.skipped["threshold"].startswith("failed on fold 1 of repeat 1: DataError: "
                                                  "threshold tuning needs 2 examples")
