namespace ParameterKit.Kernels;

/// <summary>
/// The algorithmic reference of <see cref="GemmQ8_0"/>'s integer route, in double precision: the activations quantized
/// exactly as the kernel quantizes them (<see cref="Q8_0Activations.QuantizeRowScalar"/>), each block's integer dot
/// product taken one value at a time, and <c>Σ_b d_w · d_a · isum</c> summed in double, so the fast paths differ from
/// it only by their float32 accumulation.
/// </summary>
internal static unsafe class GemmQ8_0Reference
{
    /// <summary>
    /// <c>C = act(A_q · Wᵀ + beta · C + bias)</c> in double, rounded to float at the end; also returns, per element of C,
    /// <c>Σ_b |d_w · d_a · isum|</c> in <paramref name="magnitude"/>, the scale a float32 accumulation error is relative to.
    /// </summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<byte> w,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation, Span<double> magnitude)
    {
        int blocks = k / GemmQ8_0Dot.Block;
        long rowBytes = GemmQ8_0.RowBytes(k);
        var q = new sbyte[Math.Max(k, 1)];
        var scales = new float[Math.Max(blocks, 1)];
        fixed (float* pa = a, pscales = scales)
        fixed (sbyte* pq = q)
        fixed (byte* pw = w)
        {
            for (int r = 0; r < m; r++)
            {
                Q8_0Activations.QuantizeRowScalar(pa + (long)r * lda, k, pq, pscales);
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, size = 0;
                    for (int b = 0; b < blocks; b++)
                    {
                        byte* block = pw + j * rowBytes + b * GemmQ8_0Dot.BlockBytes;
                        double dw = (double)BitConverter.UInt16BitsToHalf((ushort)(block[0] | block[1] << 8));
                        long isum = 0;
                        for (int i = 0; i < GemmQ8_0Dot.Block; i++)
                        {
                            isum += ((sbyte*)(block + 2))[i] * pq[b * GemmQ8_0Dot.Block + i];
                        }
                        double term = dw * scales[b] * isum;
                        sum += term;
                        size += Math.Abs(term);
                    }
                    int at = r * ldc + j;
                    double value = sum + (beta == 0 ? 0 : (double)beta * c[at]) + (bias.IsEmpty ? 0 : bias[j]);
                    c[at] = GemmEpilogue.Activate((float)value, activation);
                    magnitude[at] = size;
                }
            }
        }
    }
}
