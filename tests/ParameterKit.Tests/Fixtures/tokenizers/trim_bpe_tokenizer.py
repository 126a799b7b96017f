#!/usr/bin/python3
"""Cuts a byte-level BPE tokenizer.json (Llama 3's is 9 MB) down to the vocabulary and merges that can matter for a
fixed set of test strings, keeping every id and the merges' order, so the small file encodes those strings exactly as
the full one does and the full tokenizer's reference ids (llama.cpp's .out files, made with Hugging Face tokenizers)
still apply.

Why that holds: BPE encodes each pre-tokenized piece of a text on its own, and every token it forms, and every merge
it applies, produces a substring of that piece (in byte-level form). Keeping every vocabulary entry and every merge
whose result is a substring of a test string therefore keeps every step the full tokenizer takes on those strings,
in the same rank order; entries that can never appear are dropped. The 256 single-byte tokens are kept so any text
still encodes, and the added (special) tokens are kept whole.

Usage: trim_bpe_tokenizer.py FULL_tokenizer.json references.json OUT_tokenizer.json
(references.json: written by make_bpe_references.mjs; every "text" in it is kept encodable.)
"""
import json
import sys
import unicodedata


def bytes_to_unicode():
    """GPT-2's byte-to-character table, which byte-level BPE writes tokens in (tokenizers' byte_level.rs)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def main(full_path, tests_path, out_path):
    with open(full_path, encoding="utf-8") as f:
        tokenizer = json.load(f)
    with open(tests_path, encoding="utf-8") as f:
        references = json.load(f)
    tests = [entry["text"] for entry in references["tests"] + references["chats"]]
    table = bytes_to_unicode()
    texts = set()
    for text in tests:
        for form in (text, unicodedata.normalize("NFC", text)):
            texts.add("".join(table[b] for b in form.encode("utf-8")))

    def occurs(token):
        return any(token in text for text in texts)

    model = tokenizer["model"]
    vocab = {token: i for token, i in model["vocab"].items() if len(token) == 1 and token in table.values() or occurs(token)}
    merges = []
    for merge in model["merges"]:
        left, right = merge.split(" ") if isinstance(merge, str) else merge
        if left in vocab and right in vocab and left + right in vocab:
            merges.append(merge)
    model["vocab"] = vocab
    model["merges"] = merges
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, separators=(",", ":"))
    print(f"{out_path}: {len(vocab)} tokens, {len(merges)} merges, {len(tokenizer.get('added_tokens', []))} added tokens")


if __name__ == "__main__":
    main(*sys.argv[1:])
