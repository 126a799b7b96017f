// Reference token ids for the byte-level BPE fixtures, from Hugging Face's own JavaScript port of tokenizers
// (npm @huggingface/tokenizers 0.2.0), run on the FULL tokenizer.json: the test strings of llama.cpp's .inp file
// (whose .out ids, made with the Python tokenizers, must agree: checked here) and the chat-template renderings of
// ../chat_templates/expected.json for this model's template. Writes references.json; trim_bpe_tokenizer.py then
// cuts the tokenizer down to what these strings need.
//
// Usage (in a folder where `npm install @huggingface/tokenizers@0.2.0` ran):
//   node make_bpe_references.mjs FULL_tokenizer.json FULL_tokenizer_config.json MODEL_FOLDER TEMPLATE_NAME
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "fs";
import path from "path";

const [, , tokenizerPath, configPath, folder, templateName] = process.argv;
const tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(tokenizerPath, "utf8")), JSON.parse(fs.readFileSync(configPath, "utf8")));
const encode = (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;

const tests = fs.readFileSync(path.join(folder, "tests.inp"), "utf8").split("\n__ggml_vocab_test__\n").slice(0, -1);
const expected = fs.readFileSync(path.join(folder, "tests.out"), "utf8").split("\n").slice(0, tests.length)
  .map((line) => line.trim().split(/\s+/).filter((t) => t.length > 0).map(Number));
let mismatches = 0;
tests.forEach((text, i) => {
  const ids = encode(text);
  if (JSON.stringify(ids) !== JSON.stringify(expected[i])) {
    mismatches++;
    console.log(`llama.cpp's .out disagrees on ${JSON.stringify(text)}: ${expected[i]} vs ${ids}`);
  }
});

const renderings = JSON.parse(fs.readFileSync(path.join(folder, "..", "..", "chat_templates", "expected.json"), "utf8")).renderings;
const chats = Object.entries(renderings).filter(([key]) => key.startsWith(templateName + "|"))
  .map(([key, text]) => ({ name: key, text, ids: encode(text) }));

fs.writeFileSync(path.join(folder, "references.json"), JSON.stringify({
  made_with: "@huggingface/tokenizers 0.2.0 on the full tokenizer.json",
  tests: tests.map((text) => ({ text, ids: encode(text) })),
  chats,
}, null, 1) + "\n");
console.log(`${folder}: ${tests.length} test strings (${mismatches} disagree with llama.cpp's .out), ${chats.length} chat renderings`);
process.exit(mismatches === 0 ? 0 : 1);
