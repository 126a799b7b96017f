#!/usr/bin/env python3
"""End-to-end gradients from PyTorch for EndToEndGradientTests.

Model (ParameterKit names): emb (Embedding 11 x 6, mean-pooled over T = 4 tokens, id -1 = padding),
fc1 (Linear 6 -> 8), ln (LayerNorm 8), GELU (tanh approximation), drop-free, fc2 (Linear 8 -> 3),
softmax cross-entropy with label smoothing 0.1 and class weights. Records the initial parameters, the
inputs, the loss and every parameter's gradient.
Run with Debian's PyTorch 1.13: /usr/bin/python3 make_gradient_fixture.py > end_to_end_gradients.json
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(1126)
B, T, V, C, H, K = 5, 4, 11, 6, 8, 3
params = {
    "emb.weight": torch.randn(V, C) * 0.5,
    "fc1.weight": torch.randn(H, C) * 0.4,
    "fc1.bias": torch.randn(H) * 0.1,
    "ln.weight": 1 + 0.1 * torch.randn(H),
    "ln.bias": 0.1 * torch.randn(H),
    "fc2.weight": torch.randn(K, H) * 0.4,
    "fc2.bias": torch.randn(K) * 0.1,
}
for p in params.values():
    p.requires_grad_(True)

ids = torch.randint(0, V, (B, T))
ids[1, 3] = -1          # padding
ids[3, 2:] = -1
targets = torch.tensor([0, 2, 1, 2, 0])
class_weights = torch.tensor([1.0, 2.0, 0.5])

mask = (ids >= 0).float().unsqueeze(-1)
rows = params["emb.weight"][ids.clamp(min=0)] * mask
pooled = rows.sum(1) / mask.sum(1)
h = F.linear(pooled, params["fc1.weight"], params["fc1.bias"])
h = F.layer_norm(h, (H,), params["ln.weight"], params["ln.bias"], eps=1e-5)
h = F.gelu(h, approximate="tanh")
logits = F.linear(h, params["fc2.weight"], params["fc2.bias"])
loss = F.cross_entropy(logits, targets, weight=class_weights, label_smoothing=0.1)
loss.backward()

print(json.dumps({
    "torch_version": torch.__version__,
    "ids": ids.tolist(), "targets": targets.tolist(), "class_weights": class_weights.tolist(),
    "loss": loss.item(), "logits": logits.detach().flatten().tolist(),
    "parameters": {k: v.detach().flatten().tolist() for k, v in params.items()},
    "gradients": {k: v.grad.flatten().tolist() for k, v in params.items()},
}, indent=1))
