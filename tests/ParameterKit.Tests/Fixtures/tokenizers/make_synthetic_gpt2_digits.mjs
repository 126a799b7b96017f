// A tiny byte-level BPE tokenizer.json written here (no model's vocabulary, so no licence beyond this repository's),
// shaped like SmolLM2's: a Sequence pre-tokenizer of Digits(individual_digits) then ByteLevel(use_regex) with GPT-2's
// split; plus, unlike SmolLM2, a TemplateProcessing post-processor that prepends a BOS token, and one non-special
// added token. Its merges are learnt greedily from a fixed text (most frequent adjacent pair, ties by first
// occurrence), only to get a plausible merge list. Reference ids come from Hugging Face's JavaScript tokenizers
// (npm @huggingface/tokenizers 0.2.0); with add_special_tokens the post-processor's BOS is included.
//
// Usage (in a folder where `npm install @huggingface/tokenizers@0.2.0` ran): node make_synthetic_gpt2_digits.mjs OUT_FOLDER
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "fs";
import path from "path";

const out = process.argv[2];
const bytesToUnicode = () => {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n++); }
  const table = {};
  bs.forEach((b, i) => { table[b] = String.fromCodePoint(cs[i]); });
  return table;
};
const table = bytesToUnicode();
const vocab = {};
for (let b = 0; b < 256; b++) vocab[table[b]] = b;

const corpus = "the theory of the thermal thing: then there were 12 3-digit numbers, the other 45 there. Hello hello, world's worlds!";
const words = corpus.match(/'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu)
  .map((w) => [...Buffer.from(w, "utf8")].map((b) => table[b]));
const merges = [];
for (let step = 0; step < 40; step++) {
  const counts = new Map();
  for (const w of words) for (let i = 0; i + 1 < w.length; i++) {
    const key = w[i] + " " + w[i + 1];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = null;
  for (const [key, count] of counts) if (best === null || count > counts.get(best)) best = key;
  if (best === null || counts.get(best) < 2) break;
  merges.push(best);
  const [a, b] = best.split(" ");
  vocab[a + b] = Object.keys(vocab).length;
  for (const w of words) for (let i = 0; i + 1 < w.length; i++) if (w[i] === a && w[i + 1] === b) w.splice(i, 2, a + b);
}
const bos = Object.keys(vocab).length, eos = bos + 1, extra = bos + 2;
const tokenizer = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [
    { id: bos, content: "<|bos|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    { id: eos, content: "<|eos|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    { id: extra, content: "<tool>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
  ],
  normalizer: null,
  pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Digits", individual_digits: true }, { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }] },
  post_processor: {
    type: "TemplateProcessing",
    single: [{ SpecialToken: { id: "<|bos|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
    pair: [{ SpecialToken: { id: "<|bos|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
    special_tokens: { "<|bos|>": { id: "<|bos|>", ids: [bos], tokens: ["<|bos|>"] } },
  },
  decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
};
const config = { bos_token: "<|bos|>", eos_token: "<|eos|>", tokenizer_class: "PreTrainedTokenizerFast" };
fs.writeFileSync(path.join(out, "tokenizer.json"), JSON.stringify(tokenizer, null, 1) + "\n");
fs.writeFileSync(path.join(out, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");

const hf = new Tokenizer(tokenizer, config);
const texts = ["the theory", "Hello world's 2024 numbers: 12345!", "  spaced   out\n\nlines\t", "a1b22c333 4 55",
  "<|bos|>the<tool>12<|eos|>", "héllo wörld ✓ 日本", "", "there's 3.14 there"];
fs.writeFileSync(path.join(out, "references.json"), JSON.stringify({
  made_with: "@huggingface/tokenizers 0.2.0",
  tests: texts.map((text) => ({ text, ids: hf.encode(text, { add_special_tokens: true }).ids })),
}, null, 1) + "\n");
console.log(`${out}: ${Object.keys(vocab).length} tokens, ${merges.length} merges`);
