#!/usr/bin/env python3
"""Reference optimizer steps from PyTorch, for OptimizerParityTests.

A 3x4 weight (weight decay on) and a 3-element bias (weight decay off, as ParameterKit's kinds decide) take
three steps with fixed gradients; the parameters after every step are recorded.
Run with Debian's PyTorch 1.13: /usr/bin/python3 make_optimizer_fixtures.py > optimizer_steps.json
"""
import json
import torch

torch.manual_seed(20261126)
weight0 = torch.randn(3, 4)
bias0 = torch.randn(3)
grads = [(torch.randn(3, 4), torch.randn(3)) for _ in range(3)]

configs = {
    "sgd": (torch.optim.SGD, dict(lr=0.1), 0.0),
    "sgd_wd": (torch.optim.SGD, dict(lr=0.1), 0.05),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1), 0.05),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), 0.05),
    "adam": (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8), 0.1),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, betas=(0.85, 0.995), eps=1e-6), 0.1),
}

out = {"weight0": weight0.flatten().tolist(), "bias0": bias0.tolist(),
       "grads": [[w.flatten().tolist(), b.tolist()] for w, b in grads], "cases": {}}
for name, (cls, kwargs, wd) in configs.items():
    w = weight0.clone().requires_grad_(True)
    b = bias0.clone().requires_grad_(True)
    opt = cls([{"params": [w], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}], **kwargs)
    steps = []
    for gw, gb in grads:
        w.grad = gw.clone()
        b.grad = gb.clone()
        opt.step()
        steps.append([w.detach().flatten().tolist(), b.detach().tolist()])
    kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}
    out["cases"][name] = {"kwargs": kwargs, "weight_decay": wd, "steps": steps}

out["torch_version"] = torch.__version__
print(json.dumps(out, indent=1))
