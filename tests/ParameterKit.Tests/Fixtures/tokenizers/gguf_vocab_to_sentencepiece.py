#!/usr/bin/python3
"""Writes a SentencePiece tokenizer.model from the vocabulary llama.cpp stores in a GGUF file (its
models/ggml-vocab-llama-spm.gguf holds Llama 2's: pieces, scores and piece types, converted from Llama 2's
tokenizer.model by llama.cpp's convert script), then checks with Debian's python3-sentencepiece that the rebuilt model
encodes every test string of the matching .inp file to the ids in the .out file, which llama.cpp made with Hugging
Face's tokenizer of the original model. So the rebuilt model is, for these strings at least, the original.

Usage: gguf_vocab_to_sentencepiece.py VOCAB.gguf TESTS.inp TESTS.out OUT_tokenizer.model
"""
import struct
import sys

import sentencepiece
from sentencepiece import sentencepiece_model_pb2 as model_pb2

# GGUF value types (ggml/docs/gguf.md).
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
SCALARS = {UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i", FLOAT32: "<f", BOOL: "<?",
           UINT64: "<Q", INT64: "<q", FLOAT64: "<d"}


def read_gguf_metadata(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        value = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return value[0]

    def string():
        nonlocal pos
        n = take("<Q")
        text = data[pos:pos + n].decode("utf-8")
        pos += n
        return text

    def value(kind):
        if kind == STRING:
            return string()
        if kind == ARRAY:
            item_kind, count = take("<I"), take("<Q")
            return [value(item_kind) for _ in range(count)]
        return take(SCALARS[kind])

    assert data[:4] == b"GGUF", "not a GGUF file"
    pos = 4
    version, _tensor_count, kv_count = take("<I"), take("<Q"), take("<Q")
    assert version >= 2, f"GGUF version {version}"
    metadata = {}
    for _ in range(kv_count):
        key = string()
        metadata[key] = value(take("<I"))
    return metadata


def main(gguf_path, inp_path, out_path, model_path):
    meta = read_gguf_metadata(gguf_path)
    assert meta["tokenizer.ggml.model"] == "llama", meta["tokenizer.ggml.model"]
    tokens, scores, types = meta["tokenizer.ggml.tokens"], meta["tokenizer.ggml.scores"], meta["tokenizer.ggml.token_type"]

    proto = model_pb2.ModelProto()
    for token, score, kind in zip(tokens, scores, types):
        piece = proto.pieces.add()
        piece.piece, piece.score, piece.type = token, score, kind  # GGUF's token types are SentencePiece's enum
    spec = proto.trainer_spec
    spec.model_type = model_pb2.TrainerSpec.BPE
    spec.vocab_size = len(tokens)
    spec.byte_fallback = True
    spec.unk_id = meta["tokenizer.ggml.unknown_token_id"]
    spec.bos_id = meta["tokenizer.ggml.bos_token_id"]
    spec.eos_id = meta["tokenizer.ggml.eos_token_id"]
    spec.pad_id = -1
    # Llama 2's normalizer: no normalization, a dummy prefix space, spaces kept and written as U+2581.
    norm = proto.normalizer_spec
    norm.name = "identity"
    norm.add_dummy_prefix = True
    norm.remove_extra_whitespaces = False
    norm.escape_whitespaces = True
    with open(model_path, "wb") as f:
        f.write(proto.SerializeToString())

    processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
    with open(inp_path, encoding="utf-8") as f:
        tests = f.read().split("\n__ggml_vocab_test__\n")[:-1]
    with open(out_path, encoding="utf-8") as f:
        expected = [[int(t) for t in line.split()] for line in f.read().split("\n")[:len(tests)]]
    mismatches = [(t, e, processor.encode(t)) for t, e in zip(tests, expected) if processor.encode(t) != e]
    for text, want, got in mismatches:
        print(f"MISMATCH {text!r}: expected {want}, got {got}")
    print(f"{model_path}: {len(tokens)} pieces; {len(tests) - len(mismatches)}/{len(tests)} test strings match")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
