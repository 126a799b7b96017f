#!/usr/bin/python3
"""Small random GPT-2 checkpoints and the logits / greedy ids a plain-PyTorch GPT-2 forward gives for them.

Run with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 make_gpt2_fixtures.py
Writes one folder per shape, each a Hugging Face checkpoint folder:
  config.json        n_layer, n_head, n_embd, vocab_size, n_positions, layer_norm_epsilon, activation_function
  model.safetensors  the Hub's layout: wte.weight (V x C), h.{i}.attn.c_attn.weight stored C x 3C (Conv1D), ...,
                     plus the h.{i}.attn.bias causal-mask buffer that older Hub checkpoints carry
  expected.json      the prompt, the logits of every prompt position (T x V), and 32 greedy tokens

GPT-2's forward is written here from the published architecture (Radford et al. 2019, as in Hugging Face's
modeling_gpt2.py): pre-LayerNorm blocks, fused QKV Conv1D (x @ W + b with W stored in x out), causal softmax
attention scaled by 1/sqrt(head size), GELU with the tanh approximation, the head tied to wte. The reference runs in
float64 on the float32 weights, so the expected values are the exact answer the C# float32 code approximates.
Weights are drawn wider than GPT-2's N(0, 0.02) so logits are well separated and greedy argmax is not a coin toss.

c64_h4_l2_trained is not random: the same architecture trained (float32, Adam, a fixed seed) on arithmetic
progressions modulo the vocabulary (5, 8, 11, ... for steps 1, 2, 3, 5, 7, 11), so its next-token choices are
decided by wide margins, as a trained model's are; two Q8_0 blocks per row. Tests that quantize weights check greedy
decoding token for token on it, where a random model's near-ties make one flip change the rest.
"""
import json
import math
import os
import struct

import torch

SHAPES = [
    # name, n_embd, n_head, n_layer; three and five heads: not powers of two
    ("c24_h3_l2", 24, 3, 2),
    ("c32_h4_l3", 32, 4, 3),
    ("c20_h5_l2", 20, 5, 2),
]
VOCAB = 101
POSITIONS = 64
EPS = 1e-5
PROMPT = [5, 17, 99, 3, 42, 0, 64, 7]
GREEDY_STEPS = 32


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + EPS) * w + b


def forward(sd, ids, n_layer, n_head):
    """Logits (T x V) for one sequence; sd holds float64 tensors in the Hub's layout."""
    t = len(ids)
    x = sd["wte.weight"][ids] + sd["wpe.weight"][:t]
    c = x.shape[-1]
    hs = c // n_head
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(n_layer):
        p = f"h.{i}."
        h = layer_norm(x, sd[p + "ln_1.weight"], sd[p + "ln_1.bias"])
        qkv = h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]  # Conv1D: weight is C x 3C
        q, k, v = qkv.split(c, dim=-1)
        q = q.view(t, n_head, hs).transpose(0, 1)
        k = k.view(t, n_head, hs).transpose(0, 1)
        v = v.view(t, n_head, hs).transpose(0, 1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(0, 1).reshape(t, c)
        x = x + y @ sd[p + "attn.c_proj.weight"] + sd[p + "attn.c_proj.bias"]
        h = layer_norm(x, sd[p + "ln_2.weight"], sd[p + "ln_2.bias"])
        h = gelu_tanh(h @ sd[p + "mlp.c_fc.weight"] + sd[p + "mlp.c_fc.bias"])
        x = x + h @ sd[p + "mlp.c_proj.weight"] + sd[p + "mlp.c_proj.bias"]
    x = layer_norm(x, sd["ln_f.weight"], sd["ln_f.bias"])
    return x @ sd["wte.weight"].T


def random_state(gen, c, n_layer):
    def normal(*shape, std):
        return (torch.randn(*shape, generator=gen) * std).float()

    sd = {"wte.weight": normal(VOCAB, c, std=0.5), "wpe.weight": normal(POSITIONS, c, std=0.2)}
    for i in range(n_layer):
        p = f"h.{i}."
        sd[p + "ln_1.weight"] = 1 + normal(c, std=0.1)
        sd[p + "ln_1.bias"] = normal(c, std=0.1)
        sd[p + "attn.bias"] = torch.tril(torch.ones(POSITIONS, POSITIONS)).view(1, 1, POSITIONS, POSITIONS)
        sd[p + "attn.c_attn.weight"] = normal(c, 3 * c, std=0.3)
        sd[p + "attn.c_attn.bias"] = normal(3 * c, std=0.1)
        sd[p + "attn.c_proj.weight"] = normal(c, c, std=0.3)
        sd[p + "attn.c_proj.bias"] = normal(c, std=0.1)
        sd[p + "ln_2.weight"] = 1 + normal(c, std=0.1)
        sd[p + "ln_2.bias"] = normal(c, std=0.1)
        sd[p + "mlp.c_fc.weight"] = normal(c, 4 * c, std=0.3)
        sd[p + "mlp.c_fc.bias"] = normal(4 * c, std=0.1)
        sd[p + "mlp.c_proj.weight"] = normal(4 * c, c, std=0.15)
        sd[p + "mlp.c_proj.bias"] = normal(c, std=0.1)
    sd["ln_f.weight"] = 1 + normal(c, std=0.1)
    sd["ln_f.bias"] = normal(c, std=0.1)
    return sd


def save_safetensors(path, sd):
    """The format by hand: 8-byte little-endian header length, the JSON header, then the raw little-endian data."""
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


TRAINED = ("c64_h4_l2_trained", 64, 4, 2)
TRAINED_PROMPT = [5, 8, 11, 14, 17, 20, 23, 26]
STEPS = (1, 2, 3, 5, 7, 11)


def trained_state(c, n_head, n_layer, train_steps=600, batch=16, length=48):
    """The random state of the same shape, trained to continue arithmetic progressions mod VOCAB."""
    torch.manual_seed(4321)
    gen = torch.Generator().manual_seed(4321)
    sd = random_state(gen, c, n_layer)
    # GPT-2's own scale for a model that is trained rather than drawn for separated logits.
    params = {k: (v * 0.1 if k.endswith("weight") and "ln" not in k else v).clone().requires_grad_(True)
              for k, v in sd.items() if not k.endswith(".attn.bias")}
    optimizer = torch.optim.Adam(params.values(), lr=3e-3)
    for _ in range(train_steps):
        loss = 0.0
        for _ in range(batch):
            start = int(torch.randint(VOCAB, (1,), generator=gen))
            step = STEPS[int(torch.randint(len(STEPS), (1,), generator=gen))]
            ids = [(start + i * step) % VOCAB for i in range(length)]
            logits = forward(params, ids[:-1], n_layer, n_head)
            loss = loss + torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]))
        optimizer.zero_grad()
        (loss / batch).backward()
        optimizer.step()
    trained = {k: (params[k].detach().float() if k in params else v) for k, v in sd.items()}
    print("trained: final loss", float(loss / batch))
    return trained


def write_fixture(folder, sd, n_head, n_layer, prompt):
    c = sd["wte.weight"].shape[1]
    os.makedirs(folder, exist_ok=True)
    save_safetensors(os.path.join(folder, "model.safetensors"), sd)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": n_layer, "n_head": n_head,
              "n_embd": c, "vocab_size": VOCAB, "n_positions": POSITIONS, "n_ctx": POSITIONS,
              "layer_norm_epsilon": EPS, "activation_function": "gelu_new", "n_inner": None,
              "bos_token_id": 0, "eos_token_id": 0}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    sd64 = {k: v.double() for k, v in sd.items()}
    with torch.no_grad():
        logits = forward(sd64, prompt, n_layer, n_head)
        ids = list(prompt)
        for _ in range(GREEDY_STEPS):
            ids.append(int(forward(sd64, ids, n_layer, n_head)[-1].argmax()))
    expected = {"provenance": "make_gpt2_fixtures.py, PyTorch " + torch.__version__ + ", float64 forward on float32 weights",
                "prompt": prompt, "logits": [[round(float(v), 7) for v in row] for row in logits],
                "greedy": ids[len(prompt):]}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(os.path.basename(folder), "greedy", expected["greedy"])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    name, c, n_head, n_layer = TRAINED
    write_fixture(os.path.join(here, name), trained_state(c, n_head, n_layer), n_head, n_layer, TRAINED_PROMPT)
    for index, (name, c, n_head, n_layer) in enumerate(SHAPES):
        gen = torch.Generator().manual_seed(1234 + index)
        sd = random_state(gen, c, n_layer)
        write_fixture(os.path.join(here, name), sd, n_head, n_layer, PROMPT)


if __name__ == "__main__":
    main()
