#!/usr/bin/env python3
"""PyTorch baseline for the Llama family (LlamaForCausalLM / Qwen2ForCausalLM) on the CPU.

transformers is not installed here, so the forward pass is written in plain torch with Hugging Face's semantics:
- RMSNorm in float32: x * rsqrt(mean(x^2) + eps) * weight;
- rotary embeddings on the two halves of each head (rotate_half: [-x2, x1]), inverse frequencies
  rope_theta ** (-2i / head_dim), cos/sin of position * frequency repeated over both halves;
- grouped-query attention: query head h reads key/value head h // (heads / kv_heads) (transformers' repeat_kv);
  done here as a batched product over the key/value heads, which is the same arithmetic without copying K and V;
  scores scaled by 1/sqrt(head_dim), causal, softmax in float32;
- q/k/v biases when the checkpoint has them (Qwen2, or attention_bias: true), o_proj without;
- SiLU-gated MLP: down_proj(silu(gate_proj(x)) * up_proj(x));
- a head tied to embed_tokens unless the checkpoint stores lm_head.weight; only the last position's logits are
  computed (what generation needs).
Configurations this script does not implement (rope_scaling, sliding windows in use, explicit head_dim different
from hidden/heads is supported) are refused by name rather than run wrong.

Weights come from a Hugging Face folder (config.json + model.safetensors, F32 or BF16; read by the small safetensors
reader below), for example the random checkpoints benchmarks/llama.cpp/make_gguf.py writes. Compute is float32
(BF16 files are widened on load), as in gpt2_generation.py.

Measured per model and thread count (torch.set_num_threads and OpenBLAS's own thread count), batch 1, greedy,
preallocated KV cache, torch.inference_mode(), medians over --runs after one warm-up:
- pp512: a 512-token prompt through the cached forward pass, logits of the last position (tokens/s = 512 / time);
- tg128: 128 tokens generated one forward at a time from an empty cache (tokens/s = 128 / time), as llama-bench's tg128;
- pp512+tg128: the prompt, then 128 tokens generated after it (tokens/s = 640 / time), as llama-bench's -pg 512,128.

    /usr/bin/python3 benchmarks/pytorch/llama_generation.py /work/bench-models/hf/smollm2-135m-f32 \
        /work/bench-models/hf/qwen2.5-0.5b-f32
    /usr/bin/python3 benchmarks/pytorch/llama_generation.py --check DIR   # cached == uncached logits, then exit
    /usr/bin/python3 benchmarks/pytorch/llama_generation.py --logits 1,2,3 DIR   # last logits as a JSON array
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F

from blas_threads import set_blas_threads


# ---------------------------------------------------------------- safetensors

SAFETENSORS_DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def read_safetensors(path):
    """name -> float32 tensor. Format: 8-byte little-endian header length, a JSON header, then raw little-endian
    data at each tensor's [begin, end) offsets relative to the end of the header."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = bytearray(f.read())
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            sys.exit(f"{path}: tensor {name} has dtype {info['dtype']}; this reader knows {', '.join(SAFETENSORS_DTYPES)}")
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if end - begin != count * torch.tensor([], dtype=dtype).element_size():
            sys.exit(f"{path}: tensor {name} spans {end - begin} bytes, its shape {info['shape']} needs another size")
        t = torch.frombuffer(data, dtype=dtype, count=count, offset=begin) if count else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).float().clone()
    return tensors


# ---------------------------------------------------------------- model

class Config:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        if c.get("model_type") not in ("llama", "qwen2", "mistral"):
            sys.exit(f"{folder}: model_type {c.get('model_type')!r} is not a Llama-family model")
        if c.get("rope_scaling"):
            sys.exit(f"{folder}: rope_scaling {c['rope_scaling']} is not implemented by this baseline")
        if c.get("use_sliding_window") or (c.get("model_type") == "mistral" and c.get("sliding_window")):
            sys.exit(f"{folder}: a sliding window is not implemented by this baseline")
        if c.get("hidden_act", "silu") != "silu":
            sys.exit(f"{folder}: hidden_act {c['hidden_act']} is not implemented (SiLU only)")
        self.layers = c["num_hidden_layers"]
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.ff = c["intermediate_size"]
        self.vocab = c["vocab_size"]
        self.eps = c["rms_norm_eps"]
        self.theta = float(c.get("rope_theta", 10000.0))
        self.tied = c.get("tie_word_embeddings", False)
        self.max_positions = c.get("max_position_embeddings", 2048)
        self.model_type = c["model_type"]


class Model:
    def __init__(self, folder):
        self.config = cfg = Config(folder)
        t = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.embed = t["model.embed_tokens.weight"]
        self.norm = t["model.norm.weight"]
        self.head = t.get("lm_head.weight", self.embed if cfg.tied else None)
        if self.head is None:
            sys.exit(f"{folder}: tie_word_embeddings is false but there is no lm_head.weight")
        self.blocks = []
        for i in range(cfg.layers):
            p = f"model.layers.{i}."
            self.blocks.append({
                "ln1": t[p + "input_layernorm.weight"], "ln2": t[p + "post_attention_layernorm.weight"],
                "q": t[p + "self_attn.q_proj.weight"], "k": t[p + "self_attn.k_proj.weight"],
                "v": t[p + "self_attn.v_proj.weight"], "o": t[p + "self_attn.o_proj.weight"],
                "qb": t.get(p + "self_attn.q_proj.bias"), "kb": t.get(p + "self_attn.k_proj.bias"),
                "vb": t.get(p + "self_attn.v_proj.bias"),
                "gate": t[p + "mlp.gate_proj.weight"], "up": t[p + "mlp.up_proj.weight"],
                "down": t[p + "mlp.down_proj.weight"],
            })
        self.parameters = sum(x.numel() for x in t.values())
        self.weight_bytes_per_token = 4 * (self.parameters - self.embed.numel() + self.head.numel())
        inv_freq = 1.0 / (cfg.theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
        self.inv_freq = inv_freq
        self.cos = self.sin = torch.empty(0)

    def rope_table(self, positions):
        """cos/sin for positions 0..positions-1, each [positions, head_dim] (frequencies repeated over both halves)."""
        if self.cos.shape[0] < positions:
            freqs = torch.outer(torch.arange(positions, dtype=torch.float32), self.inv_freq)
            emb = torch.cat((freqs, freqs), dim=-1)
            self.cos, self.sin = emb.cos(), emb.sin()

    def new_cache(self, positions):
        cfg = self.config
        self.rope_table(positions)
        shape = (cfg.layers, cfg.kv_heads, positions, cfg.head_dim)
        return torch.zeros(shape), torch.zeros(shape)


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward_cached(model, ids, kcache, vcache, start, all_logits=False):
    """ids: 1-D tensor of new tokens at positions start..start+T-1. Returns the last position's logits (or every
    position's with all_logits, for --check)."""
    cfg = model.config
    T, H, KVH, D = ids.shape[0], cfg.heads, cfg.kv_heads, cfg.head_dim
    group = H // KVH
    keys = start + T
    cos, sin = model.cos[start:keys], model.sin[start:keys]  # [T, D], broadcast over heads
    # Row r of a group's scores is query head (kv * group + r // T) at position r % T: causal mask per position.
    mask = None
    if T > 1:
        allowed = torch.ones(T, keys, dtype=torch.bool).tril(diagonal=start)
        mask = allowed.repeat(group, 1)  # [group * T, keys]
    scale = 1.0 / math.sqrt(D)
    x = model.embed[ids]
    for i, b in enumerate(model.blocks):
        h = rms_norm(x, b["ln1"], cfg.eps)
        q = F.linear(h, b["q"], b["qb"]).view(T, H, D).transpose(0, 1)       # [H, T, D]
        k = F.linear(h, b["k"], b["kb"]).view(T, KVH, D).transpose(0, 1)     # [KVH, T, D]
        v = F.linear(h, b["v"], b["vb"]).view(T, KVH, D).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        kcache[i, :, start:keys] = k
        vcache[i, :, start:keys] = v
        qg = q.reshape(KVH, group * T, D)                                    # heads kv*group .. kv*group+group-1
        att = torch.bmm(qg, kcache[i, :, :keys].transpose(1, 2)) * scale     # [KVH, group*T, keys]
        if mask is not None:
            att = att.masked_fill(~mask, float("-inf"))
        y = torch.bmm(att.softmax(-1), vcache[i, :, :keys])                  # [KVH, group*T, D]
        y = y.view(H, T, D).transpose(0, 1).reshape(T, H * D)
        x = x + F.linear(y, b["o"])
        h = rms_norm(x, b["ln2"], cfg.eps)
        x = x + F.linear(F.silu(F.linear(h, b["gate"])) * F.linear(h, b["up"]), b["down"])
    if all_logits:
        return F.linear(rms_norm(x, model.norm, cfg.eps), model.head)
    return F.linear(rms_norm(x[-1], model.norm, cfg.eps), model.head)


def generate(model, prompt, new_tokens, kcache, vcache):
    """Greedy: the prompt in one forward, then one forward per new token. Returns (tokens, prompt s, generation s)."""
    started = time.perf_counter()
    logits = forward_cached(model, prompt, kcache, vcache, 0)
    prompt_done = time.perf_counter()
    pos, out = prompt.shape[0], []
    for step in range(new_tokens):
        token = int(logits.argmax())
        out.append(token)
        if step + 1 < new_tokens:
            logits = forward_cached(model, torch.tensor([token]), kcache, vcache, pos)
            pos += 1
    return out, prompt_done - started, time.perf_counter() - prompt_done


# ---------------------------------------------------------------- check and benchmark

def check(model):
    """Cached forward (prompt, then one token at a time) against one uncached forward over the whole sequence."""
    torch.manual_seed(1)
    ids = torch.randint(0, model.config.vocab, (12,))
    kc, vc = model.new_cache(16)
    full = forward_cached(model, ids, kc, vc, 0, all_logits=True)
    kc, vc = model.new_cache(16)
    forward_cached(model, ids[:5], kc, vc, 0)
    worst = 0.0
    for pos in range(5, 12):
        step = forward_cached(model, ids[pos:pos + 1], kc, vc, pos)
        worst = max(worst, float((step - full[pos]).abs().max()))
    print(f"cached vs uncached logits: max |difference| {worst:.2e} (tolerance 1e-4)")
    return worst <= 1e-4


def median(values):
    return statistics.median(values)


def bench(model, threads, runs, prompt_len, new_tokens):
    cfg = model.config
    torch.set_num_threads(threads)
    if not set_blas_threads(threads):
        print("note: could not set OpenBLAS's thread count; set OPENBLAS_NUM_THREADS to match")
    g = torch.Generator().manual_seed(0)
    prompt = torch.randint(0, cfg.vocab, (prompt_len,), generator=g)
    first = torch.randint(0, cfg.vocab, (1,), generator=g)
    kcache, vcache = model.new_cache(prompt_len + new_tokens)
    pp, tg_after, tg = [], [], []
    for run in range(runs + 1):  # run 0 warms up
        # The prompt's forward, then new_tokens single-token forwards (llama-bench -pg decodes as many after the prompt).
        _, t_prompt, t_gen = generate(model, prompt, new_tokens + 1, kcache, vcache)
        # tg128 from an empty cache: new_tokens single-token forwards in all, the first on a random token (llama-bench).
        started = time.perf_counter()
        generate(model, first, new_tokens, kcache, vcache)
        t_tg = time.perf_counter() - started
        if run:
            pp.append(t_prompt)
            tg_after.append(t_gen + t_prompt)
            tg.append(t_tg)
    t_pp, t_pg, t_tg = median(pp), median(tg_after), median(tg)
    load = os.getloadavg()
    print(f"  threads {threads}: pp{prompt_len} {prompt_len / t_pp:7.2f} tokens/s ({t_pp * 1000:.0f} ms) | "
          f"tg{new_tokens} {new_tokens / t_tg:6.2f} tokens/s ({t_tg * 1000:.0f} ms, "
          f"{new_tokens / t_tg * model.weight_bytes_per_token / 1e9:.1f} GB/s of weights) | "
          f"pp{prompt_len}+tg{new_tokens} {(prompt_len + new_tokens) / t_pg:6.2f} tokens/s ({t_pg * 1000:.0f} ms) | "
          f"runs {runs}, spread pp {min(pp) * 1000:.0f}-{max(pp) * 1000:.0f} ms, "
          f"tg {min(tg) * 1000:.0f}-{max(tg) * 1000:.0f} ms | load average {load[0]:.1f} {load[1]:.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description="PyTorch LlamaForCausalLM baseline (prompt + generation tokens/s).")
    parser.add_argument("folders", nargs="*", default=["/work/bench-models/hf/smollm2-135m-f32",
                                                       "/work/bench-models/hf/qwen2.5-0.5b-f32"])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=3, help="measured runs after one warm-up (median reported)")
    parser.add_argument("--prompt", type=int, default=512)
    parser.add_argument("--new", type=int, default=128)
    parser.add_argument("--check", action="store_true", help="only compare cached and uncached logits")
    parser.add_argument("--logits", metavar="IDS", help="only print the last position's logits for these comma-"
                        "separated token ids as a JSON array (to compare with llama.cpp or ParameterKit)")
    args = parser.parse_args()
    with torch.inference_mode():
        if args.logits:
            model = Model(args.folders[0])
            ids = torch.tensor([int(x) for x in args.logits.split(",")])
            kc, vc = model.new_cache(ids.shape[0])
            print(json.dumps([float(x) for x in forward_cached(model, ids, kc, vc, 0)]))
            return
        print(f"torch {torch.__version__}, float32 compute")
        for folder in args.folders:
            started = time.perf_counter()
            model = Model(folder)
            cfg = model.config
            print(f"{folder}: {cfg.model_type}, {model.parameters:,} parameters, {cfg.layers} layers, "
                  f"{cfg.heads}/{cfg.kv_heads} heads of {cfg.head_dim}, loaded in {time.perf_counter() - started:.1f} s; "
                  f"weights read per generated token {model.weight_bytes_per_token / 1e6:.0f} MB", flush=True)
            if args.check:
                if not check(model):
                    sys.exit(1)
                continue
            for threads in map(int, args.threads.split(",")):
                bench(model, threads, args.runs, args.prompt, args.new)


if __name__ == "__main__":
    main()
