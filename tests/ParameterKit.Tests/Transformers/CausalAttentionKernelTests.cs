using ParameterKit.Tests.Modules;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>The GEMM attention kernel against its naive double-precision reference, over strided views and cache offsets.</summary>
public sealed class CausalAttentionKernelTests
{
    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(7, 0, 3, 5)]
    [InlineData(1, 9, 4, 16)]
    [InlineData(5, 3, 5, 4)]
    [InlineData(33, 0, 2, 17)]
    [InlineData(3, 30, 12, 64)]
    public void GemmKernelMatchesTheReference(int tokens, int start, int heads, int headSize)
    {
        int c = heads * headSize, keys = start + tokens;
        // Queries live in fused QKV rows (stride 3C, as c_attn writes them); keys and values in cache rows (stride C).
        float[] q = DoubleReference.RandomValues(tokens * 3 * c, 1, 2f);
        float[] k = DoubleReference.RandomValues(keys * c, 2, 2f);
        float[] v = DoubleReference.RandomValues(keys * c, 3);
        var fast = new float[tokens * c];
        var reference = new float[tokens * c];
        var probabilities = new float[heads * tokens * keys];
        CausalAttentionKernel.Forward(q, 3 * c, k, c, v, c, fast, c, tokens, start, heads, headSize, probabilities);
        CausalAttentionKernel.ForwardReference(q, 3 * c, k, c, v, c, reference, c, tokens, start, heads, headSize);
        for (int i = 0; i < fast.Length; i++)
        {
            Assert.True(Math.Abs(fast[i] - reference[i]) <= 1e-5f * (1 + Math.Abs(reference[i])), $"output[{i}]: {fast[i]} vs {reference[i]}");
        }
        // Probabilities: rows sum to 1 over the visible keys, and the keys a query may not see get exactly 0.
        for (int h = 0; h < heads; h++)
        {
            for (int t = 0; t < tokens; t++)
            {
                var row = probabilities.AsSpan((h * tokens + t) * keys, keys);
                Assert.InRange(row[..(start + t + 1)].ToArray().Sum(), 1 - 1e-5f, 1 + 1e-5f);
                Assert.All(row[(start + t + 1)..].ToArray(), p => Assert.Equal(0f, p));
            }
        }
    }
}
