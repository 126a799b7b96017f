#!/usr/bin/env python3
"""PyTorch baseline for benchmarks/ParameterKit.Benchmarks/Transformers/Gpt2Benchmarks.cs.

GPT-2 small's shape (12 layers, 12 heads, C = 768, V = 50,257, 1,024 positions) with random float32 weights, on the
CPU with torch.set_num_threads 1 and 2, in inference mode:
- generate: 128 greedy tokens with a preallocated KV cache after a 16-token prompt, batch 1 (tokens per second);
- prompt512: a 512-token prompt through the same cached forward pass, logits of the last position (seconds).
The forward is GPT-2's published architecture in plain torch (transformers is not installed): F.layer_norm,
F.linear (MKL/OpenBLAS addmm), the tanh GELU, causal softmax attention over the cache, the head tied to wte.
Run with Debian's PyTorch 1.13: /usr/bin/python3 benchmarks/pytorch/gpt2_generation.py
"""
import math
import statistics
import time

import torch
import torch.nn.functional as F

from blas_threads import set_blas_threads

L, H, C, V, P = 12, 12, 768, 50257, 1024
HS = C // H


def make_weights():
    g = torch.Generator().manual_seed(0)
    n = lambda *s: torch.randn(*s, generator=g) * 0.02
    w = {"wte": n(V, C), "wpe": n(P, C), "lnf_w": torch.ones(C), "lnf_b": torch.zeros(C), "h": []}
    for _ in range(L):
        # nn.Linear layout (OC x C), as F.linear wants it.
        w["h"].append({"ln1_w": torch.ones(C), "ln1_b": torch.zeros(C), "attn_w": n(3 * C, C), "attn_b": torch.zeros(3 * C),
                       "proj_w": n(C, C), "proj_b": torch.zeros(C), "ln2_w": torch.ones(C), "ln2_b": torch.zeros(C),
                       "fc_w": n(4 * C, C), "fc_b": torch.zeros(4 * C), "mproj_w": n(C, 4 * C), "mproj_b": torch.zeros(C)})
    return w


def forward_cached(w, ids, kcache, vcache, start):
    """ids: 1-D tensor of new tokens at positions start..; returns the logits of the last one."""
    t = ids.shape[0]
    x = w["wte"][ids] + w["wpe"][start:start + t]
    keys = start + t
    mask = torch.ones(t, keys, dtype=torch.bool).tril(diagonal=start) if t > 1 else None
    for i, b in enumerate(w["h"]):
        h = F.layer_norm(x, (C,), b["ln1_w"], b["ln1_b"], 1e-5)
        q, k, v = F.linear(h, b["attn_w"], b["attn_b"]).split(C, dim=-1)
        kcache[i, start:keys] = k
        vcache[i, start:keys] = v
        q = q.view(t, H, HS).transpose(0, 1)
        kk = kcache[i, :keys].view(keys, H, HS).transpose(0, 1)
        vv = vcache[i, :keys].view(keys, H, HS).transpose(0, 1)
        att = (q @ kk.transpose(-1, -2)) * (1.0 / math.sqrt(HS))
        if mask is not None:
            att = att.masked_fill(~mask, float("-inf"))
        y = (att.softmax(-1) @ vv).transpose(0, 1).reshape(t, C)
        x = x + F.linear(y, b["proj_w"], b["proj_b"])
        h = F.layer_norm(x, (C,), b["ln2_w"], b["ln2_b"], 1e-5)
        x = x + F.linear(F.gelu(F.linear(h, b["fc_w"], b["fc_b"]), approximate="tanh"), b["mproj_w"], b["mproj_b"])
    x = F.layer_norm(x[-1], (C,), w["lnf_w"], w["lnf_b"], 1e-5)
    return F.linear(x, w["wte"])


def generate(w, prompt, new_tokens, kcache, vcache):
    logits = forward_cached(w, prompt, kcache, vcache, 0)
    pos = prompt.shape[0]
    out = []
    for step in range(new_tokens):
        token = int(logits.argmax())
        out.append(token)
        if step + 1 < new_tokens:
            logits = forward_cached(w, torch.tensor([token]), kcache, vcache, pos)
            pos += 1
    return out


def median_seconds(fn, warmup=1, runs=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    torch.manual_seed(0)
    w = make_weights()
    kcache = torch.zeros(L, P, C)
    vcache = torch.zeros(L, P, C)
    prompt = torch.randint(0, V, (16,))
    long_prompt = torch.randint(0, V, (512,))
    weight_bytes = 4 * (sum(t.numel() for b in w["h"] for t in b.values()) + w["wte"].numel())
    print(f"torch {torch.__version__}, weights read per token {weight_bytes / 1e6:.1f} MB")
    with torch.inference_mode():
        for threads in (1, 2):
            torch.set_num_threads(threads)
            if not set_blas_threads(threads):
                print("note: could not set OpenBLAS's thread count; set OPENBLAS_NUM_THREADS to match")
            gen = median_seconds(lambda: generate(w, prompt, 128, kcache, vcache))
            pre = median_seconds(lambda: forward_cached(w, long_prompt, kcache, vcache, 0))
            tps = 128 / gen
            print(f"threads {threads}: generate 128 tokens {gen * 1000:.0f} ms = {tps:.2f} tokens/s "
                  f"({tps * weight_bytes / 1e9:.2f} GB/s of weights); prompt 512 {pre * 1000:.0f} ms")


if __name__ == "__main__":
    main()
