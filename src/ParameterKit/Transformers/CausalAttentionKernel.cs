using ParameterKit.Kernels;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Transformers;

/// <summary>
/// Scaled dot-product attention with a causal mask for one sequence, all heads, written as GEMMs over strided
/// views so queries, keys and values can sit inside GPT-2's fused QKV rows (stride 3C) or in a key/value cache
/// (stride C) without copying.
/// </summary>
/// <remarks>
/// For head h, with queries at positions start..start+T-1 and keys at 0..start+T-1 (K = start + T of them):
/// <c>S = Q_h·K_hᵀ / √hs</c> (T x K), <c>P = softmax(S)</c> row-wise over the keys a query may see (key j is visible to
/// query t when j ≤ start + t; the others get probability 0), and <c>O_h = P·V_h</c>. Masked scores are still
/// computed by the GEMM: at prompt lengths the wasted half costs less than a triangular loop of dot products.
/// </remarks>
internal static class CausalAttentionKernel
{
    /// <summary>Computes the attention output of every head; <paramref name="probabilities"/> (heads x T x K) keeps P for the backward pass.</summary>
    public static void Forward(
        ReadOnlySpan<float> q, int ldq, ReadOnlySpan<float> k, int ldk, ReadOnlySpan<float> v, int ldv,
        Span<float> output, int ldo, int tokens, int start, int heads, int headSize, Span<float> probabilities)
    {
        int keys = start + tokens;
        float scale = 1f / MathF.Sqrt(headSize);
        for (int h = 0; h < heads; h++)
        {
            int offset = h * headSize;
            Span<float> p = probabilities.Slice(h * tokens * keys, tokens * keys);
            Gemm.Multiply(Transpose.No, Transpose.Yes, tokens, keys, headSize, scale, q[offset..], ldq, k[offset..], ldk, 0f, p, keys);
            for (int t = 0; t < tokens; t++)
            {
                Span<float> row = p.Slice(t * keys, keys);
                int visible = start + t + 1;
                RowSoftmax.Forward(row[..visible], row[..visible]);
                row[visible..].Clear();
            }
            Gemm.Multiply(Transpose.No, Transpose.No, tokens, headSize, keys, 1f, p, keys, v[offset..], ldv, 0f, output[offset..], ldo);
        }
    }

    /// <summary>
    /// Back-propagates <see cref="Forward"/> with start = 0 (training sees whole sequences). With dS = P ⊙ (dP − rowsum(P ⊙ dP)):
    /// dP = dO·Vᵀ, dV = Pᵀ·dO, dQ = dS·K/√hs, dK = dSᵀ·Q/√hs. Writes (does not accumulate) dQ, dK and dV.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<float> q, int ldq, ReadOnlySpan<float> k, int ldk, ReadOnlySpan<float> v, int ldv,
        ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dOutput, int ldo,
        Span<float> dq, Span<float> dk, Span<float> dv, int ldd,
        int tokens, int heads, int headSize, Span<float> dScores)
    {
        float scale = 1f / MathF.Sqrt(headSize);
        int n = tokens;
        Span<float> ds = dScores[..(n * n)];
        for (int h = 0; h < heads; h++)
        {
            int offset = h * headSize;
            ReadOnlySpan<float> p = probabilities.Slice(h * n * n, n * n);
            Gemm.Multiply(Transpose.No, Transpose.Yes, n, n, headSize, 1f, dOutput[offset..], ldo, v[offset..], ldv, 0f, ds, n);
            for (int t = 0; t < n; t++)
            {
                // Softmax backward per row; masked entries have P = 0, so their dS is 0 without a branch.
                ReadOnlySpan<float> pRow = p.Slice(t * n, t + 1);
                Span<float> dRow = ds.Slice(t * n, n);
                RowSoftmax.Backward(pRow, dRow[..(t + 1)], dRow[..(t + 1)]);
                dRow[(t + 1)..].Clear();
            }
            Gemm.Multiply(Transpose.Yes, Transpose.No, n, headSize, n, 1f, p, n, dOutput[offset..], ldo, 0f, dv[offset..], ldd);
            Gemm.Multiply(Transpose.No, Transpose.No, n, headSize, n, scale, ds, n, k[offset..], ldk, 0f, dq[offset..], ldd);
            Gemm.Multiply(Transpose.Yes, Transpose.No, n, headSize, n, scale, ds, n, q[offset..], ldq, 0f, dk[offset..], ldd);
        }
    }

    /// <summary>
    /// The algorithmic reference for <see cref="Forward"/>: the definition, one query, head and key at a time, in double.
    /// Tests hold the GEMM version to it, including a cache offset (start &gt; 0) and several new tokens at once.
    /// </summary>
    public static void ForwardReference(
        ReadOnlySpan<float> q, int ldq, ReadOnlySpan<float> k, int ldk, ReadOnlySpan<float> v, int ldv,
        Span<float> output, int ldo, int tokens, int start, int heads, int headSize)
    {
        double scale = 1.0 / Math.Sqrt(headSize);
        var weights = new double[start + tokens];
        for (int h = 0; h < heads; h++)
        {
            int offset = h * headSize;
            for (int t = 0; t < tokens; t++)
            {
                int visible = start + t + 1;
                double max = double.NegativeInfinity, sum = 0;
                for (int j = 0; j < visible; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headSize; d++)
                    {
                        dot += (double)q[t * ldq + offset + d] * k[j * ldk + offset + d];
                    }
                    weights[j] = dot * scale;
                    max = Math.Max(max, weights[j]);
                }
                for (int j = 0; j < visible; j++)
                {
                    weights[j] = Math.Exp(weights[j] - max);
                    sum += weights[j];
                }
                for (int d = 0; d < headSize; d++)
                {
                    double acc = 0;
                    for (int j = 0; j < visible; j++)
                    {
                        acc += weights[j] / sum * v[j * ldv + offset + d];
                    }
                    output[t * ldo + offset + d] = (float)acc;
                }
            }
        }
    }
}
