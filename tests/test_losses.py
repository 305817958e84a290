"""Tests for sklearn_imbal.losses against formulas and a slow reference implementation."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklearn_imbal.losses import FocalLoss, LogitAdjustedLoss, focal_loss

GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
REDUCTIONS = ["mean", "sum", "none"]


def reference_focal_loss(logits, target, gamma, alpha=None, reduction="mean"):
    """Slow focal loss: a loop over samples with a softmax computed by hand in float64."""
    losses = []
    for row, y in zip(logits.tolist(), target.tolist()):
        top = max(row)
        log_norm = math.log(sum(math.exp(v - top) for v in row))
        log_p = (row[y] - top) - log_norm
        p = math.exp(log_p)
        weight = 1.0 if alpha is None else float(alpha[y])
        losses.append(-weight * (1.0 - p) ** gamma * log_p)
    if reduction == "mean":
        return sum(losses) / len(losses)
    if reduction == "sum":
        return sum(losses)
    return losses


def random_problem(n_samples=40, n_classes=4, scale=3.0, dtype=torch.float64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(n_samples, n_classes, generator=generator, dtype=dtype)
    target = torch.randint(n_classes, (n_samples,), generator=generator)
    return logits, target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha", [None, [0.1, 0.4, 2.0, 1.5]])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_focal_loss_matches_reference(gamma, alpha, reduction):
    logits, target = random_problem()
    loss = focal_loss(logits, target, gamma=gamma, alpha=alpha, reduction=reduction)
    expected = reference_focal_loss(logits, target, gamma, alpha, reduction)
    assert loss.dtype == torch.float64
    assert loss.shape == ((len(target),) if reduction == "none" else ())
    np.testing.assert_allclose(loss.detach().numpy(), expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_focal_loss_matches_reference_binary_float32(gamma):
    logits, target = random_problem(n_classes=2, dtype=torch.float32, seed=1)
    loss = focal_loss(logits, target, gamma=gamma, reduction="none")
    expected = reference_focal_loss(logits.double(), target, gamma, reduction="none")
    assert loss.dtype == torch.float32
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gamma_zero_is_cross_entropy(dtype, reduction):
    logits, target = random_problem(dtype=dtype, seed=2)
    loss = focal_loss(logits, target, gamma=0.0, reduction=reduction)
    expected = F.cross_entropy(logits, target, reduction=reduction)
    assert loss.dtype == dtype
    torch.testing.assert_close(loss, expected)


def test_gamma_zero_with_alpha_is_weighted_cross_entropy_plain_mean():
    logits, target = random_problem(seed=3)
    alpha = torch.tensor([0.1, 0.4, 2.0, 1.5], dtype=torch.float64)
    per_sample = F.cross_entropy(logits, target, weight=alpha, reduction="none")
    torch.testing.assert_close(
        focal_loss(logits, target, gamma=0.0, alpha=alpha, reduction="none"), per_sample
    )
    torch.testing.assert_close(
        focal_loss(logits, target, gamma=0.0, alpha=alpha), per_sample.mean()
    )
    torch.testing.assert_close(
        focal_loss(logits, target, gamma=0.0, alpha=alpha, reduction="sum"), per_sample.sum()
    )
    # "mean" divides by n_samples, not by the sum of the weights as F.cross_entropy does.
    weighted_mean = F.cross_entropy(logits, target, weight=alpha)
    ratio = focal_loss(logits, target, gamma=0.0, alpha=alpha) / weighted_mean
    torch.testing.assert_close(ratio, alpha[target].sum() / len(target))
    assert not torch.isclose(ratio, torch.tensor(1.0, dtype=torch.float64))


def test_alpha_accepts_tensor_and_sequence_alike():
    logits, target = random_problem(seed=4)
    alpha = [0.1, 0.4, 2.0, 1.5]
    from_list = focal_loss(logits, target, alpha=alpha)
    from_float32 = focal_loss(logits, target, alpha=torch.tensor(alpha, dtype=torch.float32))
    # float32 alpha is used in the float64 computation, rounded once.
    torch.testing.assert_close(from_list, from_float32, rtol=1e-6, atol=0)


@pytest.mark.parametrize("alpha", [None, [0.5, 1.0, 2.0]])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
def test_gradcheck(gamma, alpha):
    logits, target = random_problem(n_samples=6, n_classes=3, scale=2.0, seed=5)
    logits.requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda z: focal_loss(z, target, gamma=gamma, alpha=alpha, reduction="none"), (logits,)
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("gamma", GAMMAS + [0.1])
def test_extreme_logits_give_finite_loss_and_gradients(gamma, dtype):
    # Sample 0 is certain and right (p_y -> 1, 1 - p_y rounds to 0 or a subnormal), sample 1
    # certain and wrong (p_y -> 0), sample 2 nearly certain and right.
    logits = torch.tensor([[100.0, -100.0], [-100.0, 100.0], [20.0, -20.0]], dtype=dtype)
    logits.requires_grad_(True)
    target = torch.tensor([0, 0, 0])
    loss = focal_loss(logits, target, gamma=gamma, reduction="none")
    loss.sum().backward()
    assert torch.isfinite(loss).all()
    assert torch.isfinite(logits.grad).all()
    assert loss[0].item() == pytest.approx(0.0, abs=1e-30)
    assert loss[1].item() == pytest.approx(200.0, rel=1e-6)
    # d loss / d logit of the wrong sample is about -1 for the target and +1 for the other.
    np.testing.assert_allclose(logits.grad[1].tolist(), [-1.0, 1.0], rtol=1e-6)
    assert logits.grad[0].abs().max().item() < 1e-30
    assert logits.grad[2].abs().max().item() < 1e-15


def test_gradient_near_certainty_matches_analytic_gradient():
    # Binary case, logits (z, -z) with target 0, u = 2z: p = sigmoid(u), q = 1 - p = sigmoid(-u)
    # and d/dz [-q**g * log p] = 2 * q**g * (g * p * log p - q), infinite slope of q**g at q = 0
    # included. log_softmax resolves log p to about 1e-16 in absolute terms, so the relative
    # comparison stops at z = 8 (q ~ 1e-7); beyond, the gradient must be tiny and finite.
    gamma = 0.5
    z = torch.tensor([0.5, 3.0, 8.0, 15.0, 30.0, 400.0], dtype=torch.float64, requires_grad=True)
    logits = torch.stack([z, -z], dim=1)
    target = torch.zeros(len(z), dtype=torch.long)
    focal_loss(logits, target, gamma=gamma, reduction="sum").backward()
    q = torch.sigmoid(-2 * z.detach())
    p = torch.sigmoid(2 * z.detach())
    log_p = -F.softplus(-2 * z.detach())
    expected = 2 * q**gamma * (gamma * p * log_p - q)
    torch.testing.assert_close(z.grad[:3], expected[:3], rtol=1e-6, atol=0)
    assert torch.isfinite(z.grad).all()
    assert (z.grad[3:].abs() < 1e-18).all()


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 5.0])
def test_focal_loss_below_cross_entropy_and_focuses_on_hard_samples(gamma):
    logits, target = random_problem(n_samples=200, seed=6)
    focal = focal_loss(logits, target, gamma=gamma, reduction="none")
    ce = F.cross_entropy(logits, target, reduction="none")
    assert (focal <= ce).all()
    assert (focal < ce).any()
    # focal / ce = (1 - p_y)**gamma: the easier the sample, the more it is down-weighted.
    p_y = torch.softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1)
    ratio = (focal / ce)[p_y.argsort()]
    assert (ratio.diff() <= 1e-12).all()
    easy = torch.tensor([[4.0, 0.0]], dtype=torch.float64)  # p_y ~ 0.98
    hard = torch.tensor([[0.0, 4.0]], dtype=torch.float64)  # p_y ~ 0.02
    y = torch.tensor([0])

    def kept(z):
        return (focal_loss(z, y, gamma=gamma) / F.cross_entropy(z, y)).item()

    assert kept(easy) < 0.05**gamma
    assert kept(hard) > 0.95**gamma


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("alpha", [None, [0.25, 0.75, 1.0, 2.0]])
def test_half_precision_logits_are_computed_in_float32(dtype, alpha):
    logits32, target = random_problem(dtype=torch.float32, seed=7)
    logits = logits32.to(dtype).requires_grad_(True)
    loss = focal_loss(logits, target, gamma=2.0, alpha=alpha)
    assert loss.dtype == torch.float32
    assert torch.isfinite(loss)
    # Exactly the float32 computation on the rounded logits ...
    torch.testing.assert_close(
        loss, focal_loss(logits.detach().float(), target, gamma=2.0, alpha=alpha)
    )
    # ... and close to the loss of the unrounded logits.
    torch.testing.assert_close(
        loss, focal_loss(logits32, target, gamma=2.0, alpha=alpha), rtol=3e-2, atol=1e-3
    )
    loss.backward()
    assert logits.grad.dtype == dtype
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_extreme_logits(dtype):
    logits = torch.tensor([[60000.0, -60000.0], [-60000.0, 60000.0]]).to(dtype)
    logits.requires_grad_(True)
    loss = focal_loss(logits, torch.tensor([0, 0]), gamma=0.5, reduction="none")
    loss.sum().backward()
    assert loss.dtype == torch.float32
    assert torch.isfinite(loss).all() and torch.isfinite(logits.grad).all()
    assert loss[1].item() == pytest.approx(120000.0, rel=1e-2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_focal_loss_module_matches_function(reduction):
    logits, target = random_problem(dtype=torch.float32, seed=8)
    alpha = [0.1, 0.4, 2.0, 1.5]
    module = FocalLoss(gamma=1.5, alpha=alpha, reduction=reduction)
    torch.testing.assert_close(
        module(logits, target),
        focal_loss(logits, target, gamma=1.5, alpha=alpha, reduction=reduction),
    )
    plain = FocalLoss(reduction=reduction)
    torch.testing.assert_close(
        plain(logits, target), focal_loss(logits, target, reduction=reduction)
    )


def test_focal_loss_module_alpha_buffer():
    module = FocalLoss(alpha=[1, 3])
    assert isinstance(module.alpha, torch.Tensor)
    assert module.alpha.dtype == torch.get_default_dtype()
    assert "alpha" in module.state_dict()
    torch.testing.assert_close(module.state_dict()["alpha"], torch.tensor([1.0, 3.0]))
    module = module.to(torch.float64)
    assert module.alpha.dtype == torch.float64
    logits, target = random_problem(n_classes=2, seed=9)
    loss = module(logits, target)
    assert loss.dtype == torch.float64
    torch.testing.assert_close(loss, focal_loss(logits, target, alpha=[1.0, 3.0]))

    restored = FocalLoss(alpha=[0.0, 0.0])
    restored.load_state_dict(module.state_dict())
    torch.testing.assert_close(restored.alpha, torch.tensor([1.0, 3.0]))

    no_alpha = FocalLoss()
    assert no_alpha.alpha is None
    assert "alpha" not in no_alpha.state_dict()


def test_focal_loss_module_repr():
    assert repr(FocalLoss()) == "FocalLoss(gamma=2.0, reduction='mean')"
    assert repr(FocalLoss(gamma=0, reduction="sum")) == "FocalLoss(gamma=0.0, reduction='sum')"


@pytest.mark.parametrize("gamma", [-0.5, float("nan"), float("inf")])
def test_bad_gamma(gamma):
    logits, target = random_problem()
    with pytest.raises(ValueError, match="gamma must be a finite number >= 0"):
        focal_loss(logits, target, gamma=gamma)
    with pytest.raises(ValueError, match="gamma must be a finite number >= 0"):
        FocalLoss(gamma=gamma)


@pytest.mark.parametrize("gamma", ["2", None, True])
def test_gamma_of_wrong_type(gamma):
    with pytest.raises(TypeError, match="gamma must be a real number"):
        FocalLoss(gamma=gamma)


def test_bad_alpha():
    logits, target = random_problem(n_classes=4)
    with pytest.raises(ValueError, match="alpha has 3 values but the logits have 4 classes"):
        focal_loss(logits, target, alpha=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="alpha has 2 values but the logits have 4 classes"):
        FocalLoss(alpha=[1.0, 2.0])(logits, target)
    with pytest.raises(ValueError, match="alpha must be a non-empty 1-D"):
        FocalLoss(alpha=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="alpha must hold finite values"):
        focal_loss(logits, target, alpha=[1.0, float("nan"), 1.0, 1.0])
    with pytest.raises(TypeError, match="alpha must be a 1-D sequence"):
        FocalLoss(alpha=["a", "b"])


def test_bad_shapes_and_types():
    logits, target = random_problem(n_samples=10)
    with pytest.raises(ValueError, match="same number of samples"):
        focal_loss(logits, target[:9])
    with pytest.raises(ValueError, match="logits must be 2-D"):
        focal_loss(logits[:, 0], target)
    with pytest.raises(ValueError, match="target must be 1-D"):
        focal_loss(logits, target[:, None])
    with pytest.raises(TypeError, match=r"target must hold integer class indices.*long\(\)"):
        focal_loss(logits, target.double())
    with pytest.raises(TypeError, match="logits must be a floating point tensor"):
        focal_loss(logits.long(), target)
    with pytest.raises(TypeError, match="must be torch tensors"):
        focal_loss(logits.numpy(), target)


@pytest.mark.parametrize("reduction", ["avg", "Mean", None])
def test_bad_reduction(reduction):
    logits, target = random_problem()
    match = "reduction must be one of 'mean', 'sum', 'none'"
    with pytest.raises(ValueError, match=match):
        focal_loss(logits, target, reduction=reduction)
    with pytest.raises(ValueError, match=match):
        FocalLoss(reduction=reduction)
    with pytest.raises(ValueError, match=match):
        LogitAdjustedLoss([1, 1], reduction=reduction)


# LogitAdjustedLoss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
def test_logit_adjusted_loss_matches_formula(tau, reduction):
    logits, target = random_problem(seed=10)
    counts = np.array([500.0, 120.0, 30.0, 5.0])
    priors = counts / counts.sum()
    shift = torch.tensor(tau * np.log(priors))
    expected = F.cross_entropy(logits + shift, target, reduction=reduction)
    criterion = LogitAdjustedLoss(counts, tau=tau, reduction=reduction).double()
    torch.testing.assert_close(criterion(logits, target), expected)


def test_logit_adjusted_loss_tau_zero_is_cross_entropy():
    logits, target = random_problem(seed=11)
    criterion = LogitAdjustedLoss([0.7, 0.2, 0.05, 0.05], tau=0.0).double()
    torch.testing.assert_close(criterion(logits, target), F.cross_entropy(logits, target))


def test_logit_adjusted_loss_normalises_priors():
    logits, target = random_problem(dtype=torch.float32, seed=12)
    from_counts = LogitAdjustedLoss([600, 300, 90, 10])
    from_proportions = LogitAdjustedLoss(torch.tensor([0.6, 0.3, 0.09, 0.01]))
    torch.testing.assert_close(from_counts.log_priors, from_proportions.log_priors)
    torch.testing.assert_close(from_counts.log_priors.exp().sum(), torch.tensor(1.0))
    torch.testing.assert_close(from_counts(logits, target), from_proportions(logits, target))
    assert "log_priors" in from_counts.state_dict()
    assert repr(from_counts) == "LogitAdjustedLoss(tau=1.0, reduction='mean')"


def test_logit_adjusted_loss_is_optimal_at_balanced_scores():
    # With labels following the priors, equal raw logits are a stationary point of the
    # logit-adjusted loss (no pull towards the majority class), but not of the cross entropy.
    target = torch.tensor([0] * 80 + [1] * 15 + [2] * 5)
    logits = torch.zeros(100, 3, dtype=torch.float64, requires_grad=True)
    LogitAdjustedLoss([80, 15, 5]).double()(logits, target).backward()
    torch.testing.assert_close(logits.grad.sum(dim=0), torch.zeros(3, dtype=torch.float64))
    logits.grad = None
    F.cross_entropy(logits, target).backward()
    assert logits.grad.sum(dim=0)[0] < -0.4


def test_logit_adjusted_loss_half_precision():
    logits, target = random_problem(dtype=torch.float32, seed=13)
    criterion = LogitAdjustedLoss([4, 3, 2, 1])
    loss = criterion(logits.to(torch.bfloat16), target)
    assert loss.dtype == torch.float32
    torch.testing.assert_close(loss, criterion(logits, target), rtol=3e-2, atol=1e-3)


@pytest.mark.parametrize(
    "priors, match",
    [
        ([0.5, 0.0, 0.5], "class_priors must all be > 0"),
        ([3, -1], "class_priors must all be > 0"),
        ([1.0, float("nan")], "class_priors must hold finite values"),
        ([1.0, float("inf")], "class_priors must hold finite values"),
        ([], "class_priors must be a non-empty 1-D"),
        ([[0.5, 0.5]], "class_priors must be a non-empty 1-D"),
    ],
)
def test_logit_adjusted_loss_bad_priors(priors, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedLoss(priors)


def test_logit_adjusted_loss_bad_tau_and_shapes():
    with pytest.raises(ValueError, match="tau must be a finite real number"):
        LogitAdjustedLoss([1, 1], tau=float("nan"))
    with pytest.raises(ValueError, match="tau must be a finite real number"):
        LogitAdjustedLoss([1, 1], tau="1")
    logits, target = random_problem(n_classes=4)
    with pytest.raises(ValueError, match="class_priors has 3 values but the logits have 4"):
        LogitAdjustedLoss([1, 2, 3])(logits, target)
    with pytest.raises(ValueError, match="same number of samples"):
        LogitAdjustedLoss([1, 2, 3, 4])(logits, target[:-1])
