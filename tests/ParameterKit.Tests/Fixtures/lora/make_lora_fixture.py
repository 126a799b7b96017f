#!/usr/bin/python3
"""LoRA parity fixture: a PEFT adapter on the tiny GPT-2 of ../gpt2/c24_h3_l2, its logits, and the gradients of A and B.

Run with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 make_lora_fixture.py
PEFT is not installed here, so its LoRA semantics are written below in plain torch, following peft/tuners/lora
(layer.py, config.py):
  * each adapted layer keeps its base output and adds  lora_B(lora_A(dropout(x))) * scaling,  lora_A an nn.Linear(in, r)
    (weight r x in), lora_B an nn.Linear(r, out) (weight out x r), scaling = lora_alpha / r (lora_alpha / sqrt(r) with
    use_rslora); dropout is off here (lora_dropout 0, as at inference);
  * GPT-2's c_attn / c_fc are Conv1D layers (weight stored in x out, y = x @ W + b), which PEFT marks fan_in_fan_out=True;
    that flag only transposes the delta when merging: lora_A / lora_B keep the shapes above;
  * files: adapter_config.json (LoraConfig's fields) and adapter_model.safetensors with the names
    base_model.model.transformer.h.{i}.attn.c_attn.lora_A.weight (r x in) and .lora_B.weight (out x r).

Writes gpt2_c24_r4/ with:
  adapter_config.json, adapter_model.safetensors   the adapter as PEFT saves it (float32 A and B drawn N(0, 0.3^2))
  expected.json   ids (B = 2, T = 4), loss weights R (B*T x V), logits (float64 forward on the float32 weights),
                  the loss L = sum(logits * R), autograd dL/dA and dL/dB of every adapter, and float64 central finite
                  differences (h = 1e-6) of L for 6 entries of every A and B, checked here against autograd to 1e-7.

Second use, the other direction:  /usr/bin/python3 make_lora_fixture.py --check DIR
reads an adapter folder written by ParameterKit's LoraAdapters.Save (for the tiny GPT-2) exactly as PEFT's loader
would look at it: config keys and values, target_modules matched against GPT-2's module keys with PEFT's rule, every
tensor name mapping to an adapted module, shapes r x in / out x r; then runs the adapted forward.
Recorded run (ParameterKit's pair written by LoraParityTests with PARAMETERKIT_LORA_EXPORT set; see the README):
  see README.md in this folder.
"""
import json
import math
import os
import re
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "..", "gpt2", "c24_h3_l2")
OUT = os.path.join(HERE, "gpt2_c24_r4")
R, ALPHA = 4, 8
TARGETS = ["c_attn", "c_fc"]
IDS = [[5, 17, 99, 3], [42, 0, 64, 7]]
EPS = 1e-5
PREFIX = "base_model.model.transformer."


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        start, end = info["data_offsets"]
        values = struct.unpack("<%df" % ((end - start) // 4), data[start:end])
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(info["shape"])
    return tensors, header.get("__metadata__")


def save_safetensors(path, sd):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in sd.items():
        data = tensor.contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + EPS) * w + b


def conv1d_with_lora(x, sd, module, lora, scaling):
    """PEFT's lora.Linear over a Conv1D base: base(x) + lora_B(lora_A(x)) * scaling (dropout off)."""
    y = x @ sd[module + ".weight"] + sd[module + ".bias"]
    if module in lora:
        a, b = lora[module]
        y = y + (x @ a.T) @ b.T * scaling
    return y


def forward(sd, lora, scaling, ids, n_layer, n_head):
    """Logits (B x T x V) of GPT-2 (as ../gpt2/make_gpt2_fixtures.py) with LoRA on the modules in `lora`."""
    bsz, t = ids.shape
    x = sd["wte.weight"][ids] + sd["wpe.weight"][:t]
    c = x.shape[-1]
    hs = c // n_head
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(n_layer):
        p = f"h.{i}."
        h = layer_norm(x, sd[p + "ln_1.weight"], sd[p + "ln_1.bias"])
        qkv = conv1d_with_lora(h, sd, p + "attn.c_attn", lora, scaling)
        q, k, v = qkv.split(c, dim=-1)
        q = q.view(bsz, t, n_head, hs).transpose(1, 2)
        k = k.view(bsz, t, n_head, hs).transpose(1, 2)
        v = v.view(bsz, t, n_head, hs).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(bsz, t, c)
        x = x + conv1d_with_lora(y, sd, p + "attn.c_proj", lora, scaling)
        h = layer_norm(x, sd[p + "ln_2.weight"], sd[p + "ln_2.bias"])
        h = gelu_tanh(conv1d_with_lora(h, sd, p + "mlp.c_fc", lora, scaling))
        x = x + conv1d_with_lora(h, sd, p + "mlp.c_proj", lora, scaling)
    x = layer_norm(x, sd["ln_f.weight"], sd["ln_f.bias"])
    return x @ sd["wte.weight"].T


def base_model():
    sd, _ = load_safetensors(os.path.join(BASE, "model.safetensors"))
    with open(os.path.join(BASE, "config.json")) as f:
        config = json.load(f)
    return {k: v.double() for k, v in sd.items()}, config


def peft_matches(target_modules, key):
    """PEFT's check_target_module_exists: a string is a full-match regex, a list matches equal keys or '.'-suffixes."""
    if isinstance(target_modules, str):
        return re.fullmatch(target_modules, key) is not None
    return any(key == t or key.endswith("." + t) for t in target_modules)


def make():
    sd, config = base_model()
    n_layer, n_head, c, vocab = config["n_layer"], config["n_head"], config["n_embd"], config["vocab_size"]
    gen = torch.Generator().manual_seed(20240516)
    lora, saved = {}, {}
    for i in range(n_layer):
        for module, out in ((f"h.{i}.attn.c_attn", 3 * c), (f"h.{i}.mlp.c_fc", 4 * c)):
            a = (torch.randn(R, c, generator=gen) * 0.3).float()
            b = (torch.randn(out, R, generator=gen) * 0.3).float()
            saved[PREFIX + module + ".lora_A.weight"] = a
            saved[PREFIX + module + ".lora_B.weight"] = b
            lora[module] = (a.double().requires_grad_(), b.double().requires_grad_())
    scaling = ALPHA / R
    ids = torch.tensor(IDS)
    weights = (torch.rand(len(IDS) * len(IDS[0]), vocab, generator=gen, dtype=torch.float64) * 2 - 1) / 10
    logits = forward(sd, lora, scaling, ids, n_layer, n_head)
    loss = (logits.reshape(-1, vocab) * weights).sum()
    loss.backward()

    def loss_at(module, which, index, delta):
        with torch.no_grad():
            a, b = (t.detach().clone() for t in lora[module])
            (a if which == 0 else b).view(-1)[index] += delta
            nudged = dict(lora)
            nudged[module] = (a, b)
            return float((forward(sd, nudged, scaling, ids, n_layer, n_head).reshape(-1, vocab) * weights).sum())

    gradients, differences = {}, []
    for module, (a, b) in lora.items():
        for which, tensor, suffix in ((0, a, ".lora_A.weight"), (1, b, ".lora_B.weight")):
            name = PREFIX + module + suffix
            grad = tensor.grad.reshape(-1)
            gradients[name] = [round(float(g), 9) for g in grad]
            for index in torch.randperm(grad.numel(), generator=gen)[:6].tolist():
                h = 1e-6
                fd = (loss_at(module, which, index, h) - loss_at(module, which, index, -h)) / (2 * h)
                assert abs(fd - float(grad[index])) < 1e-7 * (1 + abs(fd)), (name, index, fd, float(grad[index]))
                differences.append({"name": name, "index": index, "value": round(fd, 9)})

    os.makedirs(OUT, exist_ok=True)
    save_safetensors(os.path.join(OUT, "adapter_model.safetensors"), saved)
    peft_config = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "c24_h3_l2", "r": R,
                   "lora_alpha": ALPHA, "lora_dropout": 0.0, "target_modules": TARGETS, "fan_in_fan_out": True,
                   "bias": "none", "use_rslora": False, "modules_to_save": None, "init_lora_weights": True,
                   "inference_mode": True, "layers_to_transform": None, "layers_pattern": None, "rank_pattern": {},
                   "alpha_pattern": {}, "revision": None, "use_dora": False}
    with open(os.path.join(OUT, "adapter_config.json"), "w") as f:
        json.dump(peft_config, f, indent=2)
    expected = {"provenance": "make_lora_fixture.py, PyTorch " + torch.__version__ + ", float64 on float32 weights, PEFT semantics in plain torch",
                "ids": IDS, "loss_weights": [round(float(w), 9) for w in weights.reshape(-1)],
                "loss": float(loss), "logits": [round(float(v), 7) for v in logits.reshape(-1)],
                "gradients": gradients, "finite_differences": differences}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
    print("wrote", OUT, "loss", float(loss), "adapters", len(lora))


def check(folder):
    """Looks at a ParameterKit-written adapter as PEFT's LoraConfig / set_peft_model_state_dict would, then runs it."""
    sd, config = base_model()
    with open(os.path.join(folder, "adapter_config.json")) as f:
        cfg = json.load(f)
    for key in ("peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules", "fan_in_fan_out", "bias", "use_rslora", "base_model_name_or_path"):
        assert key in cfg, "adapter_config.json lacks " + key
    assert cfg["peft_type"] == "LORA" and cfg["bias"] == "none" and cfg["task_type"] == "CAUSAL_LM"
    assert isinstance(cfg["r"], int) and cfg["fan_in_fan_out"] is True
    keys = [f"transformer.h.{i}.{m}" for i in range(config["n_layer"]) for m in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")]
    targeted = [k for k in keys if peft_matches(cfg["target_modules"], k)]
    tensors, metadata = load_safetensors(os.path.join(folder, "adapter_model.safetensors"))
    assert metadata == {"format": "pt"} or metadata.get("format") == "pt", metadata
    expected_names = {"base_model.model." + k + s for k in targeted for s in (".lora_A.weight", ".lora_B.weight")}
    assert set(tensors) == expected_names, (sorted(set(tensors) ^ expected_names))
    scaling = cfg["lora_alpha"] / (math.sqrt(cfg["r"]) if cfg["use_rslora"] else cfg["r"])
    lora = {}
    for k in targeted:
        module = k[len("transformer."):]
        a = tensors["base_model.model." + k + ".lora_A.weight"].double()
        b = tensors["base_model.model." + k + ".lora_B.weight"].double()
        w = sd[module + ".weight"]   # Conv1D: in x out
        assert a.shape == (cfg["r"], w.shape[0]) and b.shape == (w.shape[1], cfg["r"]), (k, a.shape, b.shape, w.shape)
        lora[module] = (a, b)
    with torch.no_grad():
        logits = forward(sd, lora, scaling, torch.tensor(IDS), config["n_layer"], config["n_head"])
    print("ParameterKit adapter OK:", len(tensors), "tensors,", "target_modules", cfg["target_modules"], "-> modules", targeted,
          "r", cfg["r"], "lora_alpha", cfg["lora_alpha"], "scaling", scaling, "logits[0,0,:3]", [round(float(v), 5) for v in logits[0, 0, :3]])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        make()
