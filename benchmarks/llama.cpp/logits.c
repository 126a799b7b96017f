// Prints the logits llama.cpp computes for a list of token ids as JSON on stdout: the last position's (the prompt as
// one batch), or with --each every position's (one token per decode). A GGUF written by make_gguf.py can so be checked
// against its Hugging Face twin (benchmarks/pytorch/llama_generation.py --logits, or ParameterKit's own logits
// command), and tests/ParameterKit.Tests/Fixtures/gguf/make_llamacpp_logits.py records a test fixture with it.
//
//   gcc -O2 -o /work/llama.cpp/build/bin/pk-logits benchmarks/llama.cpp/logits.c -I/work/llama.cpp/include
//       -I/work/llama.cpp/ggml/include -L/work/llama.cpp/build/bin -lllama -Wl,-rpath,/work/llama.cpp/build/bin
//   (one command; benchmarks/llama.cpp/build_exact_gelu.sh builds it against the exact-GELU copy)
//   pk-logits MODEL.gguf 1,2,3           # the last position's logits, the prompt as one batch
//   pk-logits --each MODEL.gguf 1,2,3    # every position's, one token per decode (as generation runs): [[...],...]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama.h"

static void quiet(enum ggml_log_level level, const char * text, void * user) {
    (void) user;
    if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

int main(int argc, char ** argv) {
    int each = argc == 4 && strcmp(argv[1], "--each") == 0;
    if (argc != 3 && !each) {
        fprintf(stderr, "usage: %s [--each] MODEL.gguf TOKEN,TOKEN,...\n", argv[0]);
        return 2;
    }
    if (each) argv++;
    llama_token tokens[4096];
    int count = 0;
    for (char * p = strtok(argv[2], ","); p != NULL; p = strtok(NULL, ",")) {
        if (count == 4096) { fprintf(stderr, "at most 4096 tokens\n"); return 2; }
        tokens[count++] = (llama_token) atoi(p);
    }
    if (count == 0) { fprintf(stderr, "no tokens\n"); return 2; }

    llama_log_set(quiet, NULL);
    llama_backend_init();
    struct llama_model * model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (model == NULL) { fprintf(stderr, "%s: cannot load\n", argv[1]); return 1; }
    const int vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    for (int i = 0; i < count; i++) {
        if (tokens[i] < 0 || tokens[i] >= vocab) { fprintf(stderr, "token %d outside 0..%d\n", tokens[i], vocab - 1); return 2; }
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = count < 64 ? 64 : count;
    cp.n_batch = cp.n_ctx;
    // PK_LOGITS_F32_KV=1 keeps the KV cache in float32 (llama.cpp's default is f16), for comparisons whose bound is
    // finer than f16's rounding of keys and values.
    const char * f32kv = getenv("PK_LOGITS_F32_KV");
    if (f32kv != NULL && strcmp(f32kv, "1") == 0) {
        cp.type_k = GGML_TYPE_F32;
        cp.type_v = GGML_TYPE_F32;
    }
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) { fprintf(stderr, "no context\n"); return 1; }
    if (each) {
        // One decode per token, the KV cache growing: row t is what generation sees after token t.
        putchar('[');
        for (int t = 0; t < count; t++) {
            if (llama_decode(ctx, llama_batch_get_one(&tokens[t], 1)) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
            const float * row = llama_get_logits_ith(ctx, -1);
            printf(t ? ",[" : "[");
            for (int i = 0; i < vocab; i++) printf(i ? ",%.9g" : "%.9g", row[i]);
            putchar(']');
        }
        puts("]");
    } else {
        if (llama_decode(ctx, llama_batch_get_one(tokens, count)) != 0) { fprintf(stderr, "decode failed\n"); return 1; }
        const float * logits = llama_get_logits_ith(ctx, -1);
        putchar('[');
        for (int i = 0; i < vocab; i++) printf(i ? ",%.9g" : "%.9g", logits[i]);
        puts("]");
    }
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
