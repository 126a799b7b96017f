#!/usr/bin/env python3
"""Golden numbers for ParameterKit.Training: losses, clip_grad_norm_ and learning-rate schedules.

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 make_loss_fixtures.py
It rewrites loss_fixtures.json, clip_fixtures.json and schedule_fixtures.json beside this script.

Provenance and precision:
- Inputs are drawn in float32 under torch.manual_seed(20261126) and stored exactly (every float32 is exactly a
  JSON double). Losses and input gradients are then computed by torch in float64 from those float32 values, so
  the expected numbers are the true values of PyTorch's formulas; the C# float32 implementation must agree to
  about 1e-6 relative.
- clip_grad_norm_ runs in float32, as it does in training: the expected norm and clipped gradients are
  PyTorch's float32 results.
- Schedules: torch.optim.lr_scheduler.LambdaLR driven by the lambdas of Hugging Face transformers'
  get_linear_schedule_with_warmup, get_cosine_schedule_with_warmup, get_cosine_with_min_lr_schedule_with_warmup
  and get_wsd_schedule (copied below), and torch.optim.lr_scheduler.StepLR itself; lr(step) is the optimizer's
  learning rate after `step` calls to scheduler.step().
"""
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20261126)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def randn32(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=torch.float32) * scale).to(torch.float32)


def cross_entropy_case(name, n, c, weight=None, smoothing=0.0, ignore_index=-100, ignored_rows=()):
    logits32 = randn32(n, c, scale=2.0)
    targets = torch.randint(0, c, (n,))
    for r in ignored_rows:
        targets[r] = ignore_index
    logits = logits32.double().requires_grad_(True)
    w = None if weight is None else torch.tensor(weight, dtype=torch.float32).double()
    loss = F.cross_entropy(logits, targets, weight=w, ignore_index=ignore_index, label_smoothing=smoothing)
    loss.backward()
    return {
        "name": name, "kind": "cross_entropy", "rows": n, "classes": c,
        "logits": flat(logits32), "targets": [int(v) for v in targets.tolist()],
        "weights": [] if weight is None else [float(v) for v in torch.tensor(weight, dtype=torch.float32).tolist()],
        "label_smoothing": smoothing, "ignore_index": ignore_index,
        "loss": float(loss), "gradient": flat(logits.grad),
        "probabilities": flat(torch.softmax(logits32.double(), dim=1)),
    }


def bce_case(name, n, k, pos_weight=None):
    x32 = randn32(n, k, scale=3.0)
    y32 = torch.rand(n, k, dtype=torch.float32)
    y32[0] = torch.round(y32[0])  # hard labels in the first row, soft ones elsewhere
    x = x32.double().requires_grad_(True)
    pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=torch.float32).double()
    loss = F.binary_cross_entropy_with_logits(x, y32.double(), pos_weight=pw)
    loss.backward()
    return {
        "name": name, "kind": "bce_with_logits", "logits": flat(x32), "targets": flat(y32),
        "pos_weight": [] if pos_weight is None else [float(v) for v in torch.tensor(pos_weight, dtype=torch.float32).tolist()],
        "loss": float(loss), "gradient": flat(x.grad),
    }


def regression_case(name, kind, n, delta=None):
    x32 = randn32(n, scale=1.5)
    y32 = randn32(n, scale=1.5)
    x = x32.double().requires_grad_(True)
    if kind == "mse":
        loss = F.mse_loss(x, y32.double())
    else:
        loss = F.huber_loss(x, y32.double(), delta=delta)
    loss.backward()
    case = {"name": name, "kind": kind, "predictions": flat(x32), "targets": flat(y32),
            "loss": float(loss), "gradient": flat(x.grad)}
    if delta is not None:
        case["delta"] = delta
    return case


def clip_case(name, shapes, frozen, max_norm, scale):
    params = []
    for shape in shapes:
        p = torch.nn.Parameter(torch.zeros(*shape, dtype=torch.float32))
        p.grad = randn32(*shape, scale=scale)
        params.append(p)
    before = [flat(p.grad) for p in params]
    trainable = [p for p, f in zip(params, frozen) if not f]
    norm = torch.nn.utils.clip_grad_norm_(trainable, max_norm)
    return {
        "name": name, "shapes": [list(s) for s in shapes], "frozen": frozen, "max_norm": max_norm,
        "gradients": before, "norm": float(norm), "clipped": [flat(p.grad) for p in params],
    }


# Hugging Face transformers (v4.4x, src/transformers/optimization.py) lambdas, verbatim in substance.
def hf_linear(warmup, total):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    return f


def hf_cosine(warmup, total, num_cycles=0.5, min_lr_rate=0.0):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        factor = factor * (1 - min_lr_rate) + min_lr_rate
        return max(0.0, factor)
    return f


def hf_wsd(warmup, stable, decay, min_lr_ratio, decay_type):
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        if step < warmup + stable:
            return 1.0
        if step < warmup + stable + decay:
            progress = float(step - warmup - stable) / float(max(1, decay))
            if decay_type == "linear":
                factor = 1.0 - progress
            elif decay_type == "cosine":
                factor = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))
            else:
                factor = 1.0 - math.sqrt(progress)
            factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
            return max(0.0, factor)
        return min_lr_ratio
    return f


def lrs(make_scheduler, base, steps):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)
    sched = make_scheduler(opt)
    values = []
    for _ in range(steps):
        values.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return values


def schedule_case(name, kind, base, steps, make_scheduler, **config):
    return {"name": name, "kind": kind, "base": base, **config,
            "lr": lrs(make_scheduler, base, steps)}


LambdaLR = torch.optim.lr_scheduler.LambdaLR

losses = [
    cross_entropy_case("ce_plain", 5, 7),
    cross_entropy_case("ce_weights", 6, 5, weight=[0.5, 2.0, 1.0, 0.25, 3.0]),
    cross_entropy_case("ce_smoothing", 5, 11, smoothing=0.1),
    cross_entropy_case("ce_ignore_index", 6, 4, ignored_rows=(1, 4)),
    cross_entropy_case("ce_weights_smoothing", 7, 6, weight=[1.0, 0.5, 2.0, 1.5, 0.75, 3.0], smoothing=0.1),
    cross_entropy_case("ce_all_options", 8, 9, weight=[0.3, 1.0, 2.0, 0.7, 1.1, 0.9, 1.6, 2.4, 0.2],
                       smoothing=0.1, ignore_index=-1, ignored_rows=(0, 5)),
    cross_entropy_case("ce_one_class", 3, 1),
    bce_case("bce_plain", 4, 3),
    bce_case("bce_pos_weight", 5, 3, pos_weight=[2.0, 0.5, 4.0]),
    regression_case("mse", "mse", 13),
    regression_case("huber_delta_1", "huber", 17, delta=1.0),
    regression_case("huber_delta_0_5", "huber", 17, delta=0.5),
]

clips = [
    clip_case("clip_scales", [(3, 5), (5,), (2, 2, 3)], [False, False, False], 1.0, 1.0),
    clip_case("clip_below_max", [(4, 3), (3,)], [False, False], 100.0, 0.5),
    clip_case("clip_frozen_ignored", [(6, 2), (7,), (3, 3)], [False, True, False], 0.5, 2.0),
]

schedules = [
    schedule_case("linear_warmup", "linear", 3e-4, 25, lambda o: LambdaLR(o, hf_linear(5, 20)), warmup=5, total=20),
    schedule_case("linear_no_warmup", "linear", 1e-3, 12, lambda o: LambdaLR(o, hf_linear(0, 10)), warmup=0, total=10),
    schedule_case("cosine_warmup", "cosine", 3e-4, 21, lambda o: LambdaLR(o, hf_cosine(4, 20)), warmup=4, total=20, min_lr=0.0),
    schedule_case("cosine_min_lr", "cosine", 1e-3, 31, lambda o: LambdaLR(o, hf_cosine(3, 30, min_lr_rate=0.1)), warmup=3, total=30, min_lr=1e-4),
    schedule_case("step_decay", "step", 0.1, 20, lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5), step_size=4, gamma=0.5),
    schedule_case("wsd_linear", "wsd", 2e-3, 30, lambda o: LambdaLR(o, hf_wsd(3, 10, 8, 0.05, "linear")), warmup=3, stable=10, decay=8, min_lr=1e-4, decay_shape="linear"),
    schedule_case("wsd_cosine", "wsd", 2e-3, 30, lambda o: LambdaLR(o, hf_wsd(4, 6, 10, 0.0, "cosine")), warmup=4, stable=6, decay=10, min_lr=0.0, decay_shape="cosine"),
    schedule_case("wsd_one_minus_sqrt", "wsd", 1e-3, 25, lambda o: LambdaLR(o, hf_wsd(2, 5, 12, 0.1, "1-sqrt")), warmup=2, stable=5, decay=12, min_lr=1e-4, decay_shape="1-sqrt"),
]

for file_name, cases in [("loss_fixtures.json", losses), ("clip_fixtures.json", clips), ("schedule_fixtures.json", schedules)]:
    with open(os.path.join(HERE, file_name), "w", encoding="utf-8") as f:
        json.dump({"torch_version": torch.__version__, "seed": 20261126, "cases": cases}, f, indent=1)
        f.write("\n")
print("wrote", len(losses), "loss,", len(clips), "clip and", len(schedules), "schedule cases with torch", torch.__version__)
