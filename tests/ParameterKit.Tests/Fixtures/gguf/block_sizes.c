/* Prints the block layout of every ggml tensor type as ggml itself declares it: "NAME values bytes" per line, where
 * bytes is sizeof of the type's block struct in ggml-common.h. block_sizes.expected.txt is its output with llama.cpp
 * at commit c392e50 (the one benchmarks/llama.cpp/build.sh builds); GgufTensorTypesTests compares GgufTensorTypes
 * with it. Types that checkout does not define are printed when the header has them.
 *
 *   gcc -I/work/llama.cpp/ggml/src -I/work/llama.cpp/ggml/include block_sizes.c -o /tmp/block_sizes && /tmp/block_sizes
 */
#define GGML_COMMON_DECL_C
#include "ggml-common.h"
#include <stdio.h>

#define PLAIN(name, bytes) printf("%s 1 %d\n", name, bytes);
#define BLOCK(name, block, values) printf("%s %d %zu\n", name, values, sizeof(block));

int main(void)
{
    PLAIN("F32", 4) PLAIN("F16", 2)
    BLOCK("Q4_0", block_q4_0, QK4_0) BLOCK("Q4_1", block_q4_1, QK4_1)
    BLOCK("Q5_0", block_q5_0, QK5_0) BLOCK("Q5_1", block_q5_1, QK5_1)
    BLOCK("Q8_0", block_q8_0, QK8_0) BLOCK("Q8_1", block_q8_1, QK8_1)
    BLOCK("Q2_K", block_q2_K, QK_K) BLOCK("Q3_K", block_q3_K, QK_K) BLOCK("Q4_K", block_q4_K, QK_K)
    BLOCK("Q5_K", block_q5_K, QK_K) BLOCK("Q6_K", block_q6_K, QK_K) BLOCK("Q8_K", block_q8_K, QK_K)
    BLOCK("IQ2_XXS", block_iq2_xxs, QK_K) BLOCK("IQ2_XS", block_iq2_xs, QK_K) BLOCK("IQ3_XXS", block_iq3_xxs, QK_K)
    BLOCK("IQ1_S", block_iq1_s, QK_K) BLOCK("IQ4_NL", block_iq4_nl, QK4_NL) BLOCK("IQ3_S", block_iq3_s, QK_K)
    BLOCK("IQ2_S", block_iq2_s, QK_K) BLOCK("IQ4_XS", block_iq4_xs, QK_K)
    PLAIN("I8", 1) PLAIN("I16", 2) PLAIN("I32", 4) PLAIN("I64", 8) PLAIN("F64", 8)
    BLOCK("IQ1_M", block_iq1_m, QK_K) PLAIN("BF16", 2)
    BLOCK("TQ1_0", block_tq1_0, QK_K) BLOCK("TQ2_0", block_tq2_0, QK_K)
#ifdef QK_MXFP4
    BLOCK("MXFP4", block_mxfp4, QK_MXFP4)
#endif
#ifdef QK_NVFP4
    BLOCK("NVFP4", block_nvfp4, QK_NVFP4)
#endif
    return 0;
}
