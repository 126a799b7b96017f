"""Converts the project's GPT-2 and Llama safetensors fixtures to GGUF with llama.cpp's own converter.

Run from the repository root (needs numpy and PyTorch; llama.cpp checked out at /work/llama.cpp, commit c392e50):
    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 tests/ParameterKit.Tests/Fixtures/gguf/make_model_fixtures.py

convert_hf_to_gguf.py itself does the conversion (tensor names, GPT-2's Conv1D transposes, Llama's Q/K row
permutation, Q8_0 quantization), with two stand-ins for packages this machine lacks: a minimal `safetensors.safe_open`, a silent `tqdm`,
(reads the fixture files with json and numpy) and no tokenizer (the fixtures have none, so `set_vocab` writes
nothing; the vocabulary size comes from token_embd.weight).

Outputs, beside this script, for gpt2/c32_h4_l3 and llama/mha (rows of 32, 48 and 128 values: whole Q8_0 blocks except the 48-wide Llama MLP down projection, which the converter keeps in F16):
gpt2_c32.f32.gguf, gpt2_c32.q8_0.gguf, llama_mha.f32.gguf, llama_mha.q8_0.gguf; and for llama/gqa_llama3 (grouped-query
attention, llama3 rotary scaling, which the converter stores as the rope_freqs.weight tensor) llama_gqa_llama3.f32.gguf.
"""
import json
import os
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
sys.path.insert(0, "/work/llama.cpp")


class _SafeOpen:
    """The part of safetensors.safe_open the converter uses in eager mode: keys() and get_tensor()."""

    def __init__(self, path, framework="pt", device="cpu"):
        with open(path, "rb") as f:
            data = f.read()
        n = int.from_bytes(data[:8], "little")
        self.header = {k: v for k, v in json.loads(data[8:8 + n]).items() if k != "__metadata__"}
        self.data = data[8 + n:]

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def keys(self):
        return list(self.header.keys())

    def get_tensor(self, name):
        info = self.header[name]
        assert info["dtype"] == "F32", info["dtype"]
        start, end = info["data_offsets"]
        return torch.from_numpy(np.frombuffer(self.data[start:end], dtype="<f4").reshape(info["shape"]).copy())


sys.modules["safetensors"] = types.SimpleNamespace(safe_open=_SafeOpen)
# The writer's progress bar (tqdm) is not installed; a pass-through stands in for it.
sys.modules["tqdm"] = types.SimpleNamespace(tqdm=lambda *args, **kwargs: _Bar())


class _Bar:
    def update(self, n):
        pass

    def close(self):
        pass


# PyTorch 1.13 (Debian's) predates the float8 dtypes the converter names in a lookup table it never uses here.
for missing in ("float8_e4m3fn", "float8_e5m2"):
    if not hasattr(torch, missing):
        setattr(torch, missing, torch.float32)

import convert_hf_to_gguf as c  # noqa: E402
import gguf  # noqa: E402

for cls in (c.Model, c.GPT2Model, c.LlamaModel):
    cls.set_vocab = lambda self: None

F32_AND_Q8_0 = {"f32": gguf.LlamaFileType.ALL_F32, "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0}
JOBS = [
    ("gpt2/c32_h4_l3", "gpt2_c32", F32_AND_Q8_0),
    ("llama/mha", "llama_mha", F32_AND_Q8_0),
    # Llama 3.1-style rotary scaling: the converter writes it as the rope_freqs tensor (48-wide rows: F32 only).
    ("llama/gqa_llama3", "llama_gqa_llama3", {"f32": gguf.LlamaFileType.ALL_F32}),
]

with torch.inference_mode():
    for folder, stem, types_ in JOBS:
        for suffix, ftype in types_.items():
            from pathlib import Path
            dir_model = Path(FIXTURES) / folder
            hparams = c.Model.load_hparams(dir_model)
            model_class = c.Model.from_model_architecture(hparams["architectures"][0])
            out = Path(HERE) / f"{stem}.{suffix}.gguf"
            model = model_class(dir_model=dir_model, ftype=ftype, fname_out=out, is_big_endian=False, use_temp_file=False,
                                eager=True, metadata_override=None, model_name=stem, split_max_tensors=0, split_max_size=0,
                                dry_run=False, small_first_shard=False)
            # This converter reads llama3 scaling's original context from the top level of config.json, where Llama 3.1's
            # files do not keep it either (its default, 8192, is their value); the fixture's 16 sits in rope_scaling, as
            # transformers reads it, so it is handed over here to give rope_freqs the fixture's own factors.
            scaling = model.hparams.get("rope_scaling") or {}
            if "original_max_position_embeddings" in scaling:
                model.hparams["original_max_position_embeddings"] = scaling["original_max_position_embeddings"]
            model.write()
            print("wrote", out)
