"""Writes the GGUF fixtures of tests/ParameterKit.Tests/Gguf with llama.cpp's own Python writer (gguf-py).

Run from the repository root (needs numpy; llama.cpp checked out at /work/llama.cpp, commit c392e50):
    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 tests/ParameterKit.Tests/Fixtures/gguf/make_fixtures.py

Outputs, beside this script:
- types.gguf: GGUF version 3, one metadata value of every scalar type and arrays of INT32, FLOAT32, BOOL, STRING
  and UINT8; tensors in F32, F16, BF16, Q8_0 and Q4_0 (quantized by gguf-py's quants module), with shapes whose
  row lengths are whole blocks but otherwise odd.
- types.expected.json: each tensor's PyTorch-order shape, type, and its values dequantized by gguf-py
  (quants.dequantize), the numbers the C# reader must reproduce bit for bit.
- aligned64_v2.gguf: the same tensors with general.alignment = 64, its version field set to 2 (GGUF v2 and v3
  differ only in allowing big-endian files, so a little-endian v3 file with the version patched is a valid v2 file).
"""
import json
import os

import numpy as np
from gguf import GGUFWriter, GGMLQuantizationType as T, quants

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20)

TENSORS = [
    ("plain.f32", T.F32, (3, 5)),
    ("plain.f16", T.F16, (2, 7)),
    ("plain.bf16", T.BF16, (4, 3)),
    ("blocks.q8_0", T.Q8_0, (3, 64)),
    ("blocks.q4_0", T.Q4_0, (5, 96)),
    ("vector.q8_0", T.Q8_0, (32,)),
    ("cube.f32", T.F32, (2, 3, 4)),
]


def values(shape):
    # Mixed magnitudes and a few exact zeros, so scales and rounding both matter.
    v = rng.standard_normal(shape).astype(np.float32) * np.float32(0.5)
    v.reshape(-1)[::11] = 0
    return v


def encode(qtype, v):
    if qtype == T.F32:
        return v, None
    if qtype == T.F16:
        return v.astype(np.float16), None
    return quants.quantize(v, qtype), qtype


def write(path, alignment=None):
    w = GGUFWriter(path, "fixture")
    if alignment is not None:
        w.add_custom_alignment(alignment)
    w.add_uint8("test.u8", 200)
    w.add_int8("test.i8", -100)
    w.add_uint16("test.u16", 60000)
    w.add_int16("test.i16", -30000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_float32("test.f32", 0.15625)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "héllo, GGUF")
    w.add_uint64("test.u64", 18000000000000000000)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float64("test.f64", 2.718281828459045)
    w.add_array("test.array_i32", [1, -2, 3])
    w.add_array("test.array_f32", [0.5, -1.25])
    w.add_array("test.array_bool", [True, False, True])
    w.add_array("test.array_string", ["a", "", "ünïcode"])
    w.add_array("test.array_u8", b"\x00\x7f\xff")
    expected = {}
    for name, qtype, shape in TENSORS:
        v = values(shape)
        data, raw = encode(qtype, v)
        w.add_tensor(name, data, raw_dtype=raw)
        back = quants.dequantize(data, qtype) if raw is not None else data.astype(np.float32)
        expected[name] = {"shape": list(shape), "type": qtype.name,
                          "values": [float(x) for x in np.asarray(back, dtype=np.float32).reshape(-1)]}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return expected


expected = write(os.path.join(HERE, "types.gguf"))
with open(os.path.join(HERE, "types.expected.json"), "w") as f:
    json.dump(expected, f, indent=1)

rng = np.random.default_rng(20)  # the same values again
path = os.path.join(HERE, "aligned64_v2.gguf")
assert write(path, alignment=64) == expected
with open(path, "r+b") as f:
    f.seek(4)
    f.write((2).to_bytes(4, "little"))
