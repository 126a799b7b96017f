#!/usr/bin/env python3
"""Random-weight checkpoints for the speed comparisons, in two formats holding the same values:

- GGUF files for llama.cpp's llama-bench (written with llama.cpp's own gguf-py package), and
- Hugging Face folders (config.json + model.safetensors with the Hub's tensor names) for ParameterKit and
  benchmarks/pytorch/llama_generation.py.

Shapes: GPT-2 small (124M), SmolLM2-135M (Llama: GQA 9/3 heads, tied head) and Qwen2.5-0.5B (Qwen2: GQA 14/2 heads,
q/k/v biases, tied head). Real weights cannot be downloaded here, and the speed of a forward pass does not depend on
the values. Every value is drawn once (fixed seed per model) and rounded to bfloat16, so the F32, BF16 and F16 files
of a model hold the same numbers (F16 holds them exactly too, except the few below F16's normal range, about 6e-5,
which lose low bits).

Run with Debian's Python and numpy (apt-get install -y python3-numpy), gguf-py from a llama.cpp checkout:

    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 benchmarks/llama.cpp/make_gguf.py --out /work/bench-models

writes (about 11 GB in all; nothing here belongs in git):

    OUT/gguf/{gpt2-small,smollm2-135m,qwen2.5-0.5b}-{f32,f16,bf16}.gguf
    OUT/hf/{gpt2-small,smollm2-135m,qwen2.5-0.5b}-{f32,bf16}/{config.json,model.safetensors}

What llama.cpp's converter (convert_hf_to_gguf.py) does and this script mirrors, so each GGUF computes the same
function as its Hugging Face folder:
- GPT-2's Conv1D weights are stored in x out on the Hub; GGUF wants out x in (transposed here), and its GPT-2 graph
  requires a separate output.weight (a copy of the tied wte).
- Llama's q_proj/k_proj rows are permuted: Hugging Face rotates the two halves of each head (rotate_half), GGML's
  "normal" RoPE rotates adjacent pairs. Qwen2 uses GGML's NeoX RoPE (halves), so no permutation.
- In F16/BF16 files, 1-D tensors (norms, biases) stay F32.

The vocabulary is minimal but real enough for llama.cpp to load it: a byte-level BPE ("gpt2" tokenizer model) with
the 256 byte symbols, a few merges, the architecture's special tokens at their real ids and filler tokens up to the
model's vocabulary size. Benchmarks feed random token ids, so only the size matters.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np

try:
    import gguf
except ImportError:
    sys.exit("make_gguf.py: the gguf package is missing: run with PYTHONPATH=<llama.cpp checkout>/gguf-py")


# ---------------------------------------------------------------- the three shapes (values as on the Hub's config.json)

GPT2_SMALL = {
    "name": "gpt2-small", "seed": 2, "arch": "gpt2",
    "layers": 12, "hidden": 768, "heads": 12, "kv_heads": 12, "ff": 3072, "vocab": 50257, "context": 1024,
    "norm_eps": 1e-5, "specials": {50256: "<|endoftext|>"}, "bos": 50256, "eos": 50256, "pre": "gpt-2",
    "config": {
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
        "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
        "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257,
    },
}

SMOLLM2_135M = {
    "name": "smollm2-135m", "seed": 135, "arch": "llama",
    "layers": 30, "hidden": 576, "heads": 9, "kv_heads": 3, "ff": 1536, "vocab": 49152, "context": 8192,
    "norm_eps": 1e-5, "rope_theta": 100000.0, "biases": False,
    "specials": {0: "<|endoftext|>", 1: "<|im_start|>", 2: "<|im_end|>"}, "bos": 1, "eos": 2, "pre": "smollm",
    "config": {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 576,
        "initializer_range": 0.041666666666666664, "intermediate_size": 1536, "max_position_embeddings": 8192,
        "mlp_bias": False, "model_type": "llama", "num_attention_heads": 9, "num_hidden_layers": 30,
        "num_key_value_heads": 3, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None,
        "rope_theta": 100000, "tie_word_embeddings": True, "torch_dtype": "bfloat16", "use_cache": True,
        "vocab_size": 49152,
    },
}

QWEN25_05B = {
    "name": "qwen2.5-0.5b", "seed": 500, "arch": "qwen2",
    "layers": 24, "hidden": 896, "heads": 14, "kv_heads": 2, "ff": 4864, "vocab": 151936, "context": 32768,
    "norm_eps": 1e-6, "rope_theta": 1000000.0, "biases": True,
    "specials": {151643: "<|endoftext|>", 151644: "<|im_start|>", 151645: "<|im_end|>"},
    "bos": 151643, "eos": 151643, "pre": "qwen2",
    "config": {
        "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
        "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
        "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24, "model_type": "qwen2",
        "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": True, "torch_dtype": "bfloat16",
        "use_cache": True, "use_sliding_window": False, "vocab_size": 151936,
    },
}

MODELS = {m["name"]: m for m in (GPT2_SMALL, SMOLLM2_135M, QWEN25_05B)}


# ---------------------------------------------------------------- values

def to_bf16_bits(x):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest even (no NaNs occur here)."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    return ((bits + (0x7FFF + ((bits >> 16) & 1))) >> 16).astype(np.uint16)


def from_bf16_bits(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


class Values:
    """Draws each tensor in a fixed order from one seeded generator and keeps it rounded to bfloat16."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.tensors = {}  # Hugging Face name -> float32 array (bf16-representable), Hub layout

    def normal(self, name, shape, scale=0.02, mean=0.0):
        x = self.rng.standard_normal(shape, dtype=np.float32)
        x *= np.float32(scale)
        if mean:
            x += np.float32(mean)
        self.tensors[name] = from_bf16_bits(to_bf16_bits(x)).reshape(shape)


def gpt2_values(m):
    v = Values(m["seed"])
    C, F, V, P = m["hidden"], m["ff"], m["vocab"], m["context"]
    v.normal("wte.weight", (V, C))
    v.normal("wpe.weight", (P, C), scale=0.01)
    for i in range(m["layers"]):
        p = f"h.{i}."
        v.normal(p + "ln_1.weight", (C,), mean=1.0)
        v.normal(p + "ln_1.bias", (C,))
        v.normal(p + "attn.c_attn.weight", (C, 3 * C))  # Conv1D: in x out
        v.normal(p + "attn.c_attn.bias", (3 * C,))
        v.normal(p + "attn.c_proj.weight", (C, C))
        v.normal(p + "attn.c_proj.bias", (C,))
        v.normal(p + "ln_2.weight", (C,), mean=1.0)
        v.normal(p + "ln_2.bias", (C,))
        v.normal(p + "mlp.c_fc.weight", (C, F))
        v.normal(p + "mlp.c_fc.bias", (F,))
        v.normal(p + "mlp.c_proj.weight", (F, C))
        v.normal(p + "mlp.c_proj.bias", (C,))
    v.normal("ln_f.weight", (C,), mean=1.0)
    v.normal("ln_f.bias", (C,))
    return v.tensors


def llama_values(m):
    v = Values(m["seed"])
    C, F, V = m["hidden"], m["ff"], m["vocab"]
    D = C // m["heads"]
    KV = m["kv_heads"] * D
    v.normal("model.embed_tokens.weight", (V, C))
    for i in range(m["layers"]):
        p = f"model.layers.{i}."
        v.normal(p + "input_layernorm.weight", (C,), mean=1.0)
        v.normal(p + "self_attn.q_proj.weight", (C, C))  # nn.Linear: out x in
        v.normal(p + "self_attn.k_proj.weight", (KV, C))
        v.normal(p + "self_attn.v_proj.weight", (KV, C))
        if m["biases"]:
            v.normal(p + "self_attn.q_proj.bias", (C,))
            v.normal(p + "self_attn.k_proj.bias", (KV,))
            v.normal(p + "self_attn.v_proj.bias", (KV,))
        v.normal(p + "self_attn.o_proj.weight", (C, C))
        v.normal(p + "post_attention_layernorm.weight", (C,), mean=1.0)
        v.normal(p + "mlp.gate_proj.weight", (F, C))
        v.normal(p + "mlp.up_proj.weight", (F, C))
        v.normal(p + "mlp.down_proj.weight", (C, F))
    v.normal("model.norm.weight", (C,), mean=1.0)
    return v.tensors  # tied: no lm_head.weight, as in the Hub's files of both models


def values_for(m):
    return gpt2_values(m) if m["arch"] == "gpt2" else llama_values(m)


# ---------------------------------------------------------------- Hugging Face folder

def write_safetensors(path, tensors, dtype):
    """safetensors: 8-byte little-endian header length, a JSON header (padded with spaces to 8 bytes), raw data."""
    header, offset, order = {"__metadata__": {"format": "pt"}}, 0, sorted(tensors)
    for name in order:
        t = tensors[name]
        nbytes = t.size * (4 if dtype == "F32" else 2)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in order:
            t = tensors[name]
            data = t.astype("<f4", copy=False) if dtype == "F32" else to_bf16_bits(t).astype("<u2", copy=False)
            f.write(np.ascontiguousarray(data).tobytes())


def write_hf(m, tensors, out, dtype):
    folder = os.path.join(out, "hf", f"{m['name']}-{dtype.lower()}")
    os.makedirs(folder, exist_ok=True)
    config = dict(m["config"])
    if "torch_dtype" in config or dtype == "BF16":
        config["torch_dtype"] = "float32" if dtype == "F32" else "bfloat16"
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors, dtype)
    return folder


# ---------------------------------------------------------------- GGUF

def bytes_to_unicode():
    """GPT-2's byte-level alphabet: each byte as one printable character."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


def vocabulary(m):
    """(tokens, token types, merges) of exactly m['vocab'] entries."""
    size, specials = m["vocab"], m["specials"]
    normal = bytes_to_unicode()
    pairs = [("Ġ", "t"), ("Ġ", "a"), ("h", "e"), ("i", "n"), ("r", "e"), ("o", "n"), ("Ġt", "he"), ("e", "r")]
    merges = [f"{a} {b}" for a, b in pairs]
    normal += [a + b for a, b in pairs]
    free = [i for i in range(size) if i not in specials]
    normal += [f"<|filler_{i}|>" for i in range(len(free) - len(normal))]
    tokens, types = [None] * size, [gguf.TokenType.NORMAL] * size
    for i, text in specials.items():
        tokens[i], types[i] = text, gguf.TokenType.CONTROL
    for i, text in zip(free, normal):
        tokens[i] = text
    assert len(set(tokens)) == size, "token texts must be unique"
    return tokens, types, merges


def permute_rope(w, heads):
    """Hugging Face's rotate_half layout -> GGML's adjacent-pair RoPE (what convert_hf_to_gguf.py does for Llama)."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def gguf_tensors(m, t):
    """(GGUF name, out x in array) pairs, from the Hugging Face tensors."""
    if m["arch"] == "gpt2":
        yield "token_embd.weight", t["wte.weight"]
        yield "position_embd.weight", t["wpe.weight"]
        for i in range(m["layers"]):
            h, b = f"h.{i}.", f"blk.{i}."
            yield b + "attn_norm.weight", t[h + "ln_1.weight"]
            yield b + "attn_norm.bias", t[h + "ln_1.bias"]
            yield b + "attn_qkv.weight", t[h + "attn.c_attn.weight"].T
            yield b + "attn_qkv.bias", t[h + "attn.c_attn.bias"]
            yield b + "attn_output.weight", t[h + "attn.c_proj.weight"].T
            yield b + "attn_output.bias", t[h + "attn.c_proj.bias"]
            yield b + "ffn_norm.weight", t[h + "ln_2.weight"]
            yield b + "ffn_norm.bias", t[h + "ln_2.bias"]
            yield b + "ffn_up.weight", t[h + "mlp.c_fc.weight"].T
            yield b + "ffn_up.bias", t[h + "mlp.c_fc.bias"]
            yield b + "ffn_down.weight", t[h + "mlp.c_proj.weight"].T
            yield b + "ffn_down.bias", t[h + "mlp.c_proj.bias"]
        yield "output_norm.weight", t["ln_f.weight"]
        yield "output_norm.bias", t["ln_f.bias"]
        yield "output.weight", t["wte.weight"]  # llama.cpp's GPT-2 graph requires its own head tensor
        return
    llama = m["arch"] == "llama"
    yield "token_embd.weight", t["model.embed_tokens.weight"]
    for i in range(m["layers"]):
        h, b = f"model.layers.{i}.", f"blk.{i}."
        q, k = t[h + "self_attn.q_proj.weight"], t[h + "self_attn.k_proj.weight"]
        yield b + "attn_norm.weight", t[h + "input_layernorm.weight"]
        yield b + "attn_q.weight", permute_rope(q, m["heads"]) if llama else q
        yield b + "attn_k.weight", permute_rope(k, m["kv_heads"]) if llama else k
        yield b + "attn_v.weight", t[h + "self_attn.v_proj.weight"]
        if m["biases"]:
            yield b + "attn_q.bias", t[h + "self_attn.q_proj.bias"]
            yield b + "attn_k.bias", t[h + "self_attn.k_proj.bias"]
            yield b + "attn_v.bias", t[h + "self_attn.v_proj.bias"]
        yield b + "attn_output.weight", t[h + "self_attn.o_proj.weight"]
        yield b + "ffn_norm.weight", t[h + "post_attention_layernorm.weight"]
        yield b + "ffn_gate.weight", t[h + "mlp.gate_proj.weight"]
        yield b + "ffn_up.weight", t[h + "mlp.up_proj.weight"]
        yield b + "ffn_down.weight", t[h + "mlp.down_proj.weight"]
    yield "output_norm.weight", t["model.norm.weight"]
    # Tied head: no output.weight; llama.cpp then reads token_embd for the logits, as the Hub's GGUFs of both do.


FILE_TYPES = {
    "f32": gguf.LlamaFileType.ALL_F32,
    "f16": gguf.LlamaFileType.MOSTLY_F16,
    "bf16": gguf.LlamaFileType.MOSTLY_BF16,
}


def write_gguf(m, tensors, out, kind):
    folder = os.path.join(out, "gguf")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{m['name']}-{kind}.gguf")
    arch = m["arch"]
    w = gguf.GGUFWriter(path, arch)
    w.add_name(f"{m['name']} (random weights, ParameterKit benchmarks)")
    w.add_file_type(FILE_TYPES[kind])
    w.add_context_length(m["context"])
    w.add_embedding_length(m["hidden"])
    w.add_feed_forward_length(m["ff"])
    w.add_block_count(m["layers"])
    w.add_head_count(m["heads"])
    if arch == "gpt2":
        w.add_layer_norm_eps(m["norm_eps"])
    else:
        w.add_head_count_kv(m["kv_heads"])
        w.add_layer_norm_rms_eps(m["norm_eps"])
        w.add_rope_freq_base(m["rope_theta"])
        w.add_rope_dimension_count(m["hidden"] // m["heads"])
        w.add_vocab_size(m["vocab"])
    tokens, types, merges = vocabulary(m)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(m["pre"])
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(m["bos"])
    w.add_eos_token_id(m["eos"])
    w.add_add_bos_token(False)
    for name, x in gguf_tensors(m, tensors):
        x = np.ascontiguousarray(x)
        if kind == "f32" or x.ndim == 1:
            w.add_tensor(name, x.astype(np.float32, copy=False))
        elif kind == "f16":
            w.add_tensor(name, x.astype(np.float16))
        else:
            w.add_tensor(name, to_bf16_bits(x), raw_dtype=gguf.GGMLQuantizationType.BF16)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="/work/bench-models", help="output folder (default /work/bench-models)")
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, from {','.join(MODELS)}")
    parser.add_argument("--gguf", default="f32,f16,bf16", help="GGUF weight types to write ('' for none)")
    parser.add_argument("--hf", default="f32,bf16", help="Hugging Face folder dtypes to write ('' for none)")
    args = parser.parse_args()
    for name in filter(None, args.models.split(",")):
        if name not in MODELS:
            sys.exit(f"make_gguf.py: unknown model '{name}'; known: {', '.join(MODELS)}")
        m = MODELS[name]
        start = time.time()
        tensors = values_for(m)
        count = sum(t.size for t in tensors.values())
        print(f"{name}: {count:,} parameters drawn in {time.time() - start:.1f} s", flush=True)
        for kind in filter(None, args.hf.split(",")):
            print("  wrote", write_hf(m, tensors, args.out, kind.upper()), flush=True)
        for kind in filter(None, args.gguf.split(",")):
            if kind not in FILE_TYPES:
                sys.exit(f"make_gguf.py: unknown GGUF type '{kind}'; known: {', '.join(FILE_TYPES)}")
            print("  wrote", write_gguf(m, tensors, args.out, kind), flush=True)


if __name__ == "__main__":
    main()
