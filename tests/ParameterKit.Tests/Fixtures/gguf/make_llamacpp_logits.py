"""Records the logits llama.cpp computes for the GPT-2 Q8_0 fixture, so a test can hold ParameterKit's to them.

Run from the repository root (llama.cpp at /work/llama.cpp, commit c392e50, built with benchmarks/llama.cpp/build.sh,
and its pk-logits built from benchmarks/llama.cpp/logits.c):
    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 tests/ParameterKit.Tests/Fixtures/gguf/make_llamacpp_logits.py

gpt2_c32.q8_0.gguf (made by make_model_fixtures.py with llama.cpp's converter) carries no tokenizer, which
llama.cpp's loader requires, so a copy with a stand-in vocabulary (one distinct character per id, one merge) is
written to a temporary folder; its tensors are the fixture's, byte for byte. pk-logits then runs each prefix of the
prompt as one batch and prints the last position's logits: row t of the output is what llama.cpp computes for
position t. llama.cpp quantizes the activations of every Q8_0 product to Q8_0 blocks too, as ParameterKit's integer
route does for up to 32 rows.

Writes llamacpp_logits.gpt2_c32.q8_0.json beside this script.
"""
import json
import os
import subprocess
import tempfile

import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "gpt2_c32.q8_0.gguf")
PK_LOGITS = "/work/llama.cpp/build/bin/pk-logits"
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


def main():
    with tempfile.TemporaryDirectory() as folder:
        copy = os.path.join(folder, "gpt2_c32.q8_0.vocab.gguf")
        with_vocabulary(SOURCE, copy)
        rows = []
        for t in range(1, len(PROMPT) + 1):
            out = subprocess.run([PK_LOGITS, copy, ",".join(map(str, PROMPT[:t]))], capture_output=True, text=True, env={**os.environ, "PK_LOGITS_F32_KV": "1"})
            if out.returncode != 0:
                raise SystemExit(f"pk-logits failed: {out.stderr}")
            rows.append(json.loads(out.stdout))
    commit = "c392e5094deaf2d1a7c18683214f007fad3fe42b"
    fixture = {"provenance": f"make_llamacpp_logits.py: llama.cpp {commit} (pk-logits, CPU, default context: f16 KV cache) on gpt2_c32.q8_0.gguf",
               "prompt": PROMPT, "logits": rows}
    with open(os.path.join(HERE, "llamacpp_logits.gpt2_c32.q8_0.json"), "w") as f:
        json.dump(fixture, f)
    print("wrote", len(rows), "rows of", len(rows[0]))


if __name__ == "__main__":
    main()
