#!/usr/bin/python3
"""Tiny random Llama-family checkpoints and the logits / greedy ids Hugging Face's LlamaForCausalLM forward gives for them.

Run with Debian's python3-torch (PyTorch 1.13; transformers is not installed): /usr/bin/python3 make_llama_fixtures.py
Writes one Hugging Face checkpoint folder per variant:
  config.json        as transformers writes it for the variant's model_type (llama, mistral, qwen2)
  model.safetensors  the Hub's names and layout (model.embed_tokens.weight, model.layers.N.self_attn.q_proj.weight, ...),
                     or model.safetensors.index.json + two shards for the sharded variant
  expected.json      the prompts, the logits of every position of each (T x V), and greedy continuations

The forward is written here from transformers' modeling_llama.py / modeling_qwen2.py semantics (studied, not copied):
  x = embed_tokens[ids]; per layer: h = RMSNorm(x) (x * rsqrt(mean(x^2) + eps) * weight); q, k, v = h @ Wq^T + bq, ...;
  q and k rotated with rotate_half (channel i paired with i + hd/2, NOT interleaved) by angle position * inv_freq[i],
  inv_freq = 1 / theta^(arange(0, hd, 2) / hd) computed in float32 then rescaled (linear: / factor; llama3: long
  wavelengths / factor, short kept, the band between blended); key/value head g serves query heads g*H/KV .. (g+1)*H/KV-1
  (repeat_kv); softmax(q k^T * hd^-0.5 + causal mask) v; x += o_proj(...); x += down(silu(gate(h)) * up(h)) with
  h = RMSNorm(x); logits = RMSNorm(x) @ lm_head^T (lm_head = embed_tokens when tied).
  Qwen2 always has q/k/v biases and no o bias; Llama's attention_bias puts biases on q, k, v and o; mlp_bias on the MLP.
The reference runs in float64 on the stored weights (BF16 ones widened exactly), with the rotary frequencies and
cos/sin computed in float32 as transformers does, so the expected values are the answer the C# float32 code approximates.
Weights are drawn wider than a trained model's so logits are well separated and greedy argmax is not a coin toss.
"""
import json
import math
import os
import struct

import torch

VOCAB = 97
PROMPTS = [[1, 5, 17, 42, 3, 88, 0, 64, 7, 33], [2, 90, 11, 11, 11, 4], [50]]
GREEDY_STEPS = 20

VARIANTS = [
    # name, config overrides, storage dtype, how to save
    ("mha", dict(model_type="llama", hidden_size=32, num_attention_heads=4, num_key_value_heads=4, intermediate_size=48,
                 num_hidden_layers=2, rope_theta=10000.0, rope_scaling=None, tie_word_embeddings=False, rms_norm_eps=1e-5),
     "F32", "single+inv_freq"),
    ("gqa_llama3", dict(model_type="llama", hidden_size=48, num_attention_heads=6, num_key_value_heads=2, intermediate_size=64,
                        num_hidden_layers=2, rope_theta=10000.0, tie_word_embeddings=False, rms_norm_eps=1e-5,
                        head_dim=8,
                        # original context 16 puts wavelength 2*pi (pair 0) in the blended band, 62.8+ in the stretched one.
                        rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                      "original_max_position_embeddings": 16, "rope_type": "llama3"}),
     "F32", "sharded"),
    ("qwen2_tied", dict(model_type="qwen2", hidden_size=32, num_attention_heads=4, num_key_value_heads=2, intermediate_size=40,
                        num_hidden_layers=2, rope_theta=1000000.0, tie_word_embeddings=True, rms_norm_eps=1e-6,
                        sliding_window=64, use_sliding_window=False, max_window_layers=2, use_mrope=False),
     "F32", "single"),
    ("bf16_mistral", dict(model_type="mistral", hidden_size=32, num_attention_heads=4, num_key_value_heads=1, intermediate_size=48,
                          num_hidden_layers=2, rope_theta=10000.0, tie_word_embeddings=False, rms_norm_eps=1e-5,
                          sliding_window=None),
     "BF16", "single"),
    ("head_dim", dict(model_type="llama", hidden_size=24, num_attention_heads=4, num_key_value_heads=2, intermediate_size=36,
                      num_hidden_layers=2, rope_theta=10000.0, tie_word_embeddings=False, rms_norm_eps=1e-5,
                      head_dim=10, attention_bias=True, mlp_bias=True,
                      rope_scaling={"type": "linear", "factor": 2.0}),
     "F32", "single"),
]
CONTEXT = 64


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def inverse_frequencies(cfg):
    """transformers' rope init functions: default, linear and llama3, in float32."""
    hd = head_dim(cfg)
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    scaling = cfg.get("rope_scaling")
    if scaling is None:
        return inv
    kind = scaling.get("rope_type", scaling.get("type"))
    factor = scaling["factor"]
    if kind == "linear":
        return inv / factor
    assert kind == "llama3"
    low, high, old = scaling["low_freq_factor"], scaling["high_freq_factor"], scaling["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, scaled)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def forward(sd, cfg, ids):
    """Logits (T x V) of one sequence at positions 0..T-1; sd holds float64 tensors under the Hub's names."""
    t = len(ids)
    h_, kv_, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    eps = cfg["rms_norm_eps"]
    inv = inverse_frequencies(cfg)
    freqs = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]  # float32, as transformers' matmul
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().double(), emb.sin().double()
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    x = sd["model.embed_tokens.weight"][ids]

    def linear(name, inp):
        y = inp @ sd[name + ".weight"].T
        return y + sd[name + ".bias"] if name + ".bias" in sd else y

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, sd[p + "input_layernorm.weight"], eps)
        q = linear(p + "self_attn.q_proj", h).view(t, h_, hd).transpose(0, 1)
        k = linear(p + "self_attn.k_proj", h).view(t, kv_, hd).transpose(0, 1)
        v = linear(p + "self_attn.v_proj", h).view(t, kv_, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(h_ // kv_, dim=0)  # repeat_kv: head g serves query heads g*n_rep .. g*n_rep+n_rep-1
        v = v.repeat_interleave(h_ // kv_, dim=0)
        att = (q @ k.transpose(-1, -2)) * hd ** -0.5
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(0, 1).reshape(t, h_ * hd)
        x = x + linear(p + "self_attn.o_proj", y)
        h = rms_norm(x, sd[p + "post_attention_layernorm.weight"], eps)
        gate = linear(p + "mlp.gate_proj", h)
        x = x + linear(p + "mlp.down_proj", torch.nn.functional.silu(gate) * linear(p + "mlp.up_proj", h))
    x = rms_norm(x, sd["model.norm.weight"], eps)
    head = sd["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else sd["lm_head.weight"]
    return x @ head.T


def random_state(gen, cfg):
    c, i_, hd = cfg["hidden_size"], cfg["intermediate_size"], head_dim(cfg)
    q, kv = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] != "qwen2" and cfg.get("attention_bias", False)
    mlp_bias = cfg.get("mlp_bias", False)

    def normal(*shape, std):
        return (torch.randn(*shape, generator=gen) * std).float()

    sd = {"model.embed_tokens.weight": normal(VOCAB, c, std=1.0)}
    for n in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{n}."
        sd[p + "input_layernorm.weight"] = 1 + normal(c, std=0.1)
        for name, out, inp, bias in (("q_proj", q, c, qkv_bias), ("k_proj", kv, c, qkv_bias), ("v_proj", kv, c, qkv_bias), ("o_proj", c, q, o_bias)):
            sd[p + f"self_attn.{name}.weight"] = normal(out, inp, std=0.6 / math.sqrt(inp) * 2)
            if bias:
                sd[p + f"self_attn.{name}.bias"] = normal(out, std=0.2)
        sd[p + "post_attention_layernorm.weight"] = 1 + normal(c, std=0.1)
        for name, out, inp in (("gate_proj", i_, c), ("up_proj", i_, c), ("down_proj", c, i_)):
            sd[p + f"mlp.{name}.weight"] = normal(out, inp, std=1.0 / math.sqrt(inp) * 1.5)
            if mlp_bias:
                sd[p + f"mlp.{name}.bias"] = normal(out, std=0.1)
    sd["model.norm.weight"] = 1 + normal(c, std=0.1)
    if not cfg["tie_word_embeddings"]:
        sd["lm_head.weight"] = normal(VOCAB, c, std=1.5 / math.sqrt(c))
    return sd


def to_bf16(tensor):
    """Rounds to bfloat16 (nearest, ties to even) and returns (values widened back to float32, raw little-endian bytes)."""
    b = tensor.to(torch.bfloat16)
    raw = b.view(torch.int16).numpy().astype("<i2").tobytes()
    return b.float(), raw


def tensor_bytes(tensor, dtype):
    return tensor.contiguous().numpy().astype("<f4").tobytes() if dtype == "F32" else to_bf16(tensor)[1]


def save_safetensors(path, tensors, dtype):
    """The format by hand: 8-byte little-endian header length, the JSON header (space-padded to 8), then the raw data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in tensors.items():
        data = tensor_bytes(tensor, dtype)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return offset


def config_json(cfg):
    arch = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM"}[cfg["model_type"]]
    out = {"architectures": [arch], "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
           "initializer_range": 0.02, "max_position_embeddings": CONTEXT, "vocab_size": VOCAB, "use_cache": True,
           "torch_dtype": "float32", "transformers_version": "4.44.0"}
    out.update(cfg)
    return dict(sorted(out.items()))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for index, (name, cfg, dtype, layout) in enumerate(VARIANTS):
        gen = torch.Generator().manual_seed(4321 + index)
        sd = random_state(gen, cfg)
        folder = os.path.join(here, name)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        if dtype == "BF16":
            sd = {k: to_bf16(v)[0] for k, v in sd.items()}  # the reference sees exactly the stored values
        stored = dict(sd)
        if layout == "single+inv_freq":
            # Older transformers saved each layer's rotary buffer; a loader must ignore it, not fail.
            for n in range(cfg["num_hidden_layers"]):
                stored[f"model.layers.{n}.self_attn.rotary_emb.inv_freq"] = inverse_frequencies(cfg)
        if layout == "sharded":
            names = list(stored)
            shards = [names[: len(names) // 2], names[len(names) // 2:]]
            weight_map, total = {}, 0
            for s, part in enumerate(shards):
                file = f"model-{s + 1:05d}-of-{len(shards):05d}.safetensors"
                total += save_safetensors(os.path.join(folder, file), {k: stored[k] for k in part}, dtype)
                weight_map.update({k: file for k in part})
            with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
                json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
        else:
            save_safetensors(os.path.join(folder, "model.safetensors"), stored, dtype)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config_json(cfg), f, indent=2)
        sd64 = {k: v.double() for k, v in sd.items()}
        with torch.no_grad():
            logits = [forward(sd64, cfg, p) for p in PROMPTS]
            ids = list(PROMPTS[0])
            for _ in range(GREEDY_STEPS):
                ids.append(int(forward(sd64, cfg, ids)[-1].argmax()))
            margins = []
            for step in range(GREEDY_STEPS):
                top = forward(sd64, cfg, ids[: len(PROMPTS[0]) + step])[-1].topk(2).values
                margins.append(float(top[0] - top[1]))
        expected = {"provenance": "make_llama_fixtures.py, PyTorch " + torch.__version__ + ", float64 forward on the stored weights",
                    "prompts": PROMPTS,
                    "logits": [[[round(float(v), 7) for v in row] for row in l] for l in logits],
                    "greedy": ids[len(PROMPTS[0]):],
                    "smallest_greedy_margin": round(min(margins), 6)}
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump(expected, f)
        print(name, "greedy", expected["greedy"], "smallest margin", expected["smallest_greedy_margin"],
              "logit range", round(float(min(l.min() for l in logits)), 2), round(float(max(l.max() for l in logits)), 2))


if __name__ == "__main__":
    main()
