"""make_compute_loss_func in a real transformers.Trainer, on the tiny BERT."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklearn_imbal import compute_class_weights, focal_loss
from sklearn_imbal.hf import make_compute_loss_func
from sklearn_imbal.utils._test_common.tiny_bert import support_ticket_corpus

pytest.importorskip("accelerate")  # the Trainer needs it


def _logits_labels(n=12, k=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, k, generator=generator)
    labels = torch.arange(n) % k
    return logits, labels


def test_weighted_cross_entropy_is_the_mean_of_weighted_sample_losses():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    loss_func = make_compute_loss_func(y, class_weight="balanced")
    weights = compute_class_weights(y, "balanced")
    np.testing.assert_allclose(loss_func.class_weight, weights)
    logits, labels = _logits_labels()
    per_sample = F.cross_entropy(logits, labels, reduction="none") * torch.as_tensor(
        weights, dtype=torch.float32)[labels]
    got = loss_func({"logits": logits}, labels)
    torch.testing.assert_close(got, per_sample.mean())
    # A model called with return_dict=False returns a tuple, logits first.
    torch.testing.assert_close(loss_func((logits,), labels), got)


def test_focal_and_logit_adjusted_losses():
    y = np.array([0] * 80 + [1] * 20)
    logits, labels = _logits_labels(k=2)
    focal = make_compute_loss_func(y, loss="focal", gamma=2.0, class_weight=None)
    torch.testing.assert_close(focal({"logits": logits}, labels),
                               focal_loss(logits, labels, gamma=2.0))
    adjusted = make_compute_loss_func(y, loss="logit_adjusted", class_weight=None, tau=1.0)
    shifted = logits + torch.log(torch.tensor([0.8, 0.2]))
    torch.testing.assert_close(adjusted({"logits": logits}, labels),
                               F.cross_entropy(shifted, labels))
    with pytest.raises(ValueError, match="corrects the class prior itself"):
        make_compute_loss_func(y, loss="logit_adjusted", class_weight="balanced")


def test_num_items_in_batch_makes_gradient_accumulation_exact():
    """Two half batches divided by the whole batch's count sum to the whole batch's loss,
    and ignored labels (-100) count for nothing."""
    y = np.array([0] * 70 + [1] * 30)
    loss_func = make_compute_loss_func(y, class_weight="balanced")
    logits, labels = _logits_labels(n=10, k=2)
    whole = loss_func({"logits": logits}, labels)
    halves = sum(loss_func({"logits": logits[part]}, labels[part], num_items_in_batch=10)
                 for part in (slice(0, 4), slice(4, 10)))
    torch.testing.assert_close(halves, whole)
    padded = torch.cat([labels, torch.tensor([-100, -100])])
    padded_logits = torch.cat([logits, torch.zeros(2, 2)])
    torch.testing.assert_close(loss_func({"logits": padded_logits}, padded), whole)


@pytest.mark.parametrize("y, match", [
    (["a", "b"], "integer class ids"),
    ([0, 1, -1], "negative class id"),
    ([0, 1, 2], "n_classes=2"),
])
def test_bad_labels_are_clear_errors(y, match):
    kwargs = {"n_classes": 2} if match == "n_classes=2" else {}
    with pytest.raises(ValueError, match=match):
        make_compute_loss_func(y, **kwargs)


def test_wrong_number_of_logits_is_a_clear_error():
    loss_func = make_compute_loss_func([0, 0, 1], class_weight="balanced")
    with pytest.raises(ValueError, match="outputs 3 logits per sample"):
        loss_func({"logits": torch.zeros(2, 3)}, torch.tensor([0, 1]))


def test_a_real_trainer_trains_with_the_loss(tiny_bert_path, tmp_path):
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    texts = support_ticket_corpus(64)
    labels = [1 if "refund" in text or "broken" in text else 0 for text in texts]
    labels[:3] = [1, 1, 1]  # both classes whatever the corpus holds
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert_path)
    encoded = tokenizer(texts, truncation=True, max_length=32)
    train = [{"input_ids": ids, "attention_mask": mask, "labels": label}
             for ids, mask, label in zip(encoded["input_ids"], encoded["attention_mask"],
                                         labels)]
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_path, num_labels=2)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}

    loss_func = make_compute_loss_func(labels, loss="focal", class_weight="balanced",
                                       n_classes=model.config.num_labels)
    calls = []

    def counted(outputs, batch_labels, num_items_in_batch=None):
        calls.append((int(batch_labels.numel()), num_items_in_batch))
        return loss_func(outputs, batch_labels, num_items_in_batch=num_items_in_batch)

    args = TrainingArguments(
        output_dir=str(tmp_path), per_device_train_batch_size=8, num_train_epochs=1,
        gradient_accumulation_steps=2, learning_rate=1e-3, report_to=[], save_strategy="no",
        use_cpu=True, seed=0, disable_tqdm=True, logging_strategy="no",
    )
    trainer = Trainer(model=model, args=args, train_dataset=train,
                      data_collator=DataCollatorWithPadding(tokenizer),
                      compute_loss_func=counted)
    result = trainer.train()
    assert len(calls) == 64 // 8
    # The Trainer passes the labelled count of the accumulated batch (2 x 8).
    assert all(int(items) == 16 for _, items in calls)
    assert np.isfinite(result.training_loss) and result.training_loss > 0
    changed = [name for name, p in model.named_parameters()
               if not torch.equal(p.detach().cpu(), before[name])]
    assert "classifier.weight" in changed and len(changed) > 2
