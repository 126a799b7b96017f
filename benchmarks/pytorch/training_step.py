#!/usr/bin/env python3
"""PyTorch baseline for benchmarks/ParameterKit.Benchmarks/Training: median milliseconds per training step.

The same two workloads as TrainingStepBenchmarks, on the CPU, with torch.set_num_threads 1 and 2:
- bag: bag-of-embeddings classifier, vocabulary 50,257 x 64, mean-pool over 32 tokens, Linear 64 -> 3,
  cross-entropy, AdamW, batch 64 (forward + backward + zero_grad + optimizer step).
- mlp: Linear 768 -> 3072, GELU (tanh), Linear 3072 -> 768, batch 64, forward + backward (the optimizer step
  is timed apart, as the issue asks).
Run with Debian's PyTorch: /usr/bin/python3 benchmarks/pytorch/training_step.py
"""
import statistics
import time
import torch
import torch.nn as nn
import torch.nn.functional as F

from blas_threads import set_blas_threads


def median_ms(fn, warmup=10, runs=60):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bag_step_fn():
    torch.manual_seed(0)
    emb = nn.EmbeddingBag(50257, 64, mode="mean")
    head = nn.Linear(64, 3)
    opt = torch.optim.AdamW(list(emb.parameters()) + list(head.parameters()), lr=1e-3)
    ids = torch.randint(0, 50257, (64, 32))
    y = torch.randint(0, 3, (64,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(head(emb(ids)), y)
        loss.backward()
        opt.step()
    return step


def mlp_fns():
    torch.manual_seed(0)
    fc = nn.Linear(768, 3072)
    proj = nn.Linear(3072, 768)
    params = list(fc.parameters()) + list(proj.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3)
    x = torch.randn(64, 768)
    dy = torch.randn(64, 768)

    def forward_backward():
        for p in params:
            p.grad = None
        out = proj(F.gelu(fc(x), approximate="tanh"))
        out.backward(dy)

    def optimizer_step():
        opt.step()
    return forward_backward, optimizer_step


if __name__ == "__main__":
    print(f"torch {torch.__version__}")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        if not set_blas_threads(threads):
            print("note: could not set OpenBLAS's thread count; set OPENBLAS_NUM_THREADS to match")
        bag = median_ms(bag_step_fn())
        fb, st = mlp_fns()
        mlp = median_ms(fb)
        mlp_opt = median_ms(st)
        print(f"threads={threads} bag_step_ms={bag:.2f} mlp_forward_backward_ms={mlp:.2f} mlp_optimizer_step_ms={mlp_opt:.2f}")
