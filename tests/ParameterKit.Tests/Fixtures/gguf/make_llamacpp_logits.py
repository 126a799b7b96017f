"""Records the logits llama.cpp computes for the GPT-2 c32 GGUF fixtures, so a test can hold ParameterKit's to them.

Run from the repository root, with llama.cpp at /work/llama.cpp (commit c392e50) built by benchmarks/llama.cpp/build.sh,
its pk-logits built from benchmarks/llama.cpp/logits.c (command in benchmarks/llama.cpp/README.md), and the exact-GELU
copy built by benchmarks/llama.cpp/build_exact_gelu.sh:
    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 tests/ParameterKit.Tests/Fixtures/gguf/make_llamacpp_logits.py

For each of gpt2_c32.q8_0.gguf and gpt2_c32.f32.gguf (made by make_model_fixtures.py with llama.cpp's converter and
quantizer): the fixtures carry no tokenizer, which llama.cpp's loader requires, so a copy with a stand-in vocabulary
(one distinct character per id, one merge) is written to a temporary folder; its tensors are the fixture's, byte for
byte. `pk-logits --each` then decodes the prompt one token at a time (the KV cache growing, as generation runs, in
float32: PK_LOGITS_F32_KV=1) and prints every position's logits, once with stock llama.cpp and once with the
exact-GELU build (the only difference: GELU computed in float32 instead of read from an f16 table). llama.cpp
quantizes the activations of every Q8_0 product to Q8_0 blocks, as ParameterKit's integer route does.

Writes llamacpp_logits.gpt2_c32.json beside this script:
    {"provenance": ..., "prompt": [...], "q8_0": {"stock": rows, "exact_gelu": rows}, "f32": {...}}
"""
import json
import os
import subprocess
import tempfile

import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = {"q8_0": os.path.join(HERE, "gpt2_c32.q8_0.gguf"), "f32": os.path.join(HERE, "gpt2_c32.f32.gguf")}
BUILDS = {"stock": "/work/llama.cpp/build/bin/pk-logits", "exact_gelu": "/work/llama.cpp-exact-gelu/build/bin/pk-logits"}
COMMIT = "c392e5094deaf2d1a7c18683214f007fad3fe42b"
PROMPT = [5, 17, 99, 3, 42, 0, 64, 7, 33, 21, 80, 12]


def with_vocabulary(source, target):
    reader = gguf.GGUFReader(source)
    arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
    writer = gguf.GGUFWriter(target, arch)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        value_type = field.types[0]
        if value_type == gguf.GGUFValueType.STRING:
            writer.add_string(name, bytes(field.parts[-1]).decode())
        elif value_type == gguf.GGUFValueType.ARRAY:
            raise SystemExit(f"unexpected array key {name}")
        else:
            writer.add_key_value(name, field.parts[-1][0], value_type)
    vocab = next(int(t.shape[-1]) for t in reader.tensors if t.name == "token_embd.weight")
    writer.add_tokenizer_model("gpt2")
    # Single-character tokens and one merge of two of them: the least llama.cpp's BPE loader accepts.
    tokens = [chr(0x100 + i) for i in range(vocab)]
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.NORMAL] * vocab)
    writer.add_token_merges([f"{tokens[0]} {tokens[1]}"])
    for tensor in reader.tensors:
        # The reader's data is the stored bytes (quantized rows as bytes), which the writer takes with their type.
        writer.add_tensor(tensor.name, tensor.data, raw_dtype=tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return vocab


def logits_each(pk_logits, model):
    out = subprocess.run([pk_logits, "--each", model, ",".join(map(str, PROMPT))], capture_output=True, text=True,
                         env={**os.environ, "PK_LOGITS_F32_KV": "1"})
    if out.returncode != 0:
        raise SystemExit(f"{pk_logits} failed: {out.stderr}")
    rows = json.loads(out.stdout)
    if len(rows) != len(PROMPT):
        raise SystemExit(f"{pk_logits}: {len(rows)} rows for {len(PROMPT)} tokens")
    return rows


def main():
    fixture = {"provenance": f"make_llamacpp_logits.py: llama.cpp {COMMIT}, pk-logits --each (one token per decode, "
                             "float32 KV cache), stock build (GELU from an f16 table) and build_exact_gelu.sh "
                             "(GELU in float32), on gpt2_c32.q8_0.gguf and gpt2_c32.f32.gguf",
               "prompt": PROMPT}
    with tempfile.TemporaryDirectory() as folder:
        for weights, source in SOURCES.items():
            copy = os.path.join(folder, os.path.basename(source).replace(".gguf", ".vocab.gguf"))
            with_vocabulary(source, copy)
            fixture[weights] = {build: logits_each(binary, copy) for build, binary in BUILDS.items()}
    with open(os.path.join(HERE, "llamacpp_logits.gpt2_c32.json"), "w") as f:
        json.dump(fixture, f)
    print("wrote", {w: {b: (len(r), len(r[0])) for b, r in v.items()} for w, v in fixture.items() if isinstance(v, dict)})


if __name__ == "__main__":
    main()
