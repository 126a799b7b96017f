"""Writes the GGUF seeds of the fuzzer's `gguf` target that the test fixtures lack: a tiny Llama model file that
carries a tokenizer and a chat template, so AFL starts from inputs that reach the model-settings reader, both tokenizer
builders and the template renderer (the fixtures converted from safetensors have no tokenizer).

Run from the repository root with llama.cpp's gguf-py (commit c392e50) and numpy:
    PYTHONPATH=/work/llama.cpp/gguf-py /usr/bin/python3 tests/ParameterKit.Fuzz/seeds/make_gguf_seeds.py

Outputs beside this script: llama_bpe_tokenizer.gguf (byte-level BPE, Llama 3's pre-tokenizer, a chat template) and
llama_spm_tokenizer.gguf (a SentencePiece vocabulary with scores), each a whole one-block model. Same input, same
bytes.
"""
import os

import numpy as np
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))


def model(path, tokens, write_tokenizer):
    writer = gguf.GGUFWriter(path, "llama")
    n = len(tokens)
    writer.add_context_length(32)
    writer.add_embedding_length(8)
    writer.add_block_count(1)
    writer.add_feed_forward_length(16)
    writer.add_head_count(2)
    writer.add_head_count_kv(1)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(10000.0)
    write_tokenizer(writer)
    # Every tensor of one Llama block (hidden 8, two query heads and one key/value head of 4, MLP 16), so the seed
    # loads as a model; values are small and distinct, their only job is to be valid.
    shapes = {
        "token_embd.weight": (n, 8), "output_norm.weight": (8,),
        "blk.0.attn_norm.weight": (8,), "blk.0.attn_q.weight": (8, 8), "blk.0.attn_k.weight": (4, 8),
        "blk.0.attn_v.weight": (4, 8), "blk.0.attn_output.weight": (8, 8), "blk.0.ffn_norm.weight": (8,),
        "blk.0.ffn_gate.weight": (16, 8), "blk.0.ffn_up.weight": (16, 8), "blk.0.ffn_down.weight": (8, 16),
    }
    for name, shape in shapes.items():
        count = int(np.prod(shape))
        writer.add_tensor(name, (np.arange(count, dtype=np.float32).reshape(shape) % 13 - 6) / 100)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def bpe(writer):
    tokens = ["h", "i", "hi", "Ġ", "Ġhi", "<|begin_of_text|>", "<|eot_id|>"]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("llama-bpe")
    writer.add_token_list(tokens)
    writer.add_token_types([1, 1, 1, 1, 1, 3, 3])
    writer.add_token_merges(["h i", "Ġ hi"])
    writer.add_bos_token_id(5)
    writer.add_eos_token_id(6)
    writer.add_chat_template(
        "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}[{{ m['content'] | trim }}]"
        "{% else %}{{ m['role'] }}: {{ m['content'] }}<|eot_id|>{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}assistant: {% endif %}")


def spm(writer):
    writer.add_tokenizer_model("llama")
    writer.add_token_list(["<unk>", "<s>", "</s>", "▁", "h", "i", "hi", "▁hi"])
    writer.add_token_scores([0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -0.5, -0.25])
    writer.add_token_types([2, 3, 3, 1, 1, 1, 1, 1])
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)


model(os.path.join(HERE, "llama_bpe_tokenizer.gguf"), range(7), bpe)
model(os.path.join(HERE, "llama_spm_tokenizer.gguf"), range(8), spm)
