using ParameterKit.Kernels;
using ParameterKit.Kernels.Numerics;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tests.Kernels;
using ParameterKit.Training.Losses;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Kernels.Numerics;

/// <summary>
/// One softmax, one GELU, one SiLU: the module path, the fused GEMM epilogue (every instruction-set path this
/// machine runs, one and two threads), causal attention and the cross-entropy loss compute the same bits from the
/// same inputs. Each path is fed its inputs exactly: a GEMM by the identity reproduces X without rounding, and
/// attention with head size 1, queries of 1 and keys z scores every key exactly z.
/// </summary>
public sealed class OneNumericPolicyTests
{
    [Theory]
    [InlineData(40, 37)]
    [InlineData(9, 5)]
    [InlineData(70, 64)]
    public void The_gelu_layer_and_the_fused_epilogue_agree_bit_for_bit(int rows, int columns)
    {
        float[] x = NumericsGenerators.Uniform(rows * columns, rows + columns, 9f);
        var layer = new float[x.Length];
        new Gelu(new ParameterStore().Scope("gelu")).Forward(x, layer, columns);
        AssertEveryEpilogueGives(layer, x, rows, columns, GemmActivation.GeluTanh);

        var direct = new float[x.Length];
        GeluTanh.Forward(x, direct);
        NumericsGenerators.AssertSameBits(layer, direct, "GeluTanh.Forward against the layer");
    }

    [Theory]
    [InlineData(40, 37)]
    [InlineData(9, 5)]
    public void Silu_and_its_fused_epilogue_agree_bit_for_bit(int rows, int columns)
    {
        float[] x = NumericsGenerators.Uniform(rows * columns, rows * columns, 20f);
        var separate = new float[x.Length];
        Silu.Forward(x, separate);
        AssertEveryEpilogueGives(separate, x, rows, columns, GemmActivation.Silu);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(33)]
    [InlineData(130)]
    public void Softmax_layer_attention_and_the_loss_agree_bit_for_bit(int length)
    {
        float[] z = NumericsGenerators.Uniform(length, length, 12f);
        var layer = new float[length];
        new Softmax(new ParameterStore().Scope("softmax")).Forward(z, layer, length);

        var static_ = new float[length];
        SoftmaxCrossEntropy.Softmax(z, length, static_);
        NumericsGenerators.AssertSameBits(layer, static_, "SoftmaxCrossEntropy.Softmax against the layer");

        float[] probabilities = AttentionProbabilities(z, out _);
        for (int t = 0; t < length; t++)
        {
            // Query t sees keys 0..t: its row is the softmax of that prefix.
            var prefix = new float[t + 1];
            new Softmax(new ParameterStore().Scope("softmax")).Forward(z.AsSpan(0, t + 1), prefix, t + 1);
            NumericsGenerators.AssertSameBits(prefix, probabilities.AsSpan(t * length, t + 1), $"attention row {t}");
        }

        // Unweighted, unsmoothed cross-entropy of one row: ∂L/∂z_j = p_j for every j but the target.
        var gradient = new float[length];
        new SoftmaxCrossEntropy(length).Compute(z, [0], gradient);
        NumericsGenerators.AssertSameBits(layer.AsSpan(1), gradient.AsSpan(1), "cross-entropy gradient");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(40)]
    public void Softmax_backward_of_the_layer_and_of_attention_agree_bit_for_bit(int length)
    {
        float[] z = NumericsGenerators.Uniform(length, length + 7, 6f);
        float[] dOutput = NumericsGenerators.Uniform(length, length + 8, 1f);
        float[] probabilities = AttentionProbabilities(z, out float[] v);
        var dScores = new float[length * length];
        var dq = new float[length];
        var dk = new float[length];
        var dv = new float[length];
        float[] ones = Ones(length);
        CausalAttentionKernel.Backward(ones, 1, z, 1, v, 1, probabilities, dOutput, 1, dq, dk, dv, 1, length, 1, 1, dScores);

        for (int t = 0; t < length; t++)
        {
            // dP[t, j] = dO[t]·v[j]: a one-term GEMM, the same single rounding as this product.
            var dp = new float[t + 1];
            for (int j = 0; j <= t; j++)
            {
                dp[j] = dOutput[t] * v[j];
            }
            var dz = new float[t + 1];
            new Softmax(new ParameterStore().Scope("softmax")).Backward(z.AsSpan(0, t + 1), dp, dz, t + 1);
            NumericsGenerators.AssertSameBits(dz, dScores.AsSpan(t * length, t + 1), $"attention dS row {t}");
        }
    }

    /// <summary>Causal attention over one head of size 1 with queries 1 and keys z, so query t scores key j as exactly z_j.</summary>
    private static float[] AttentionProbabilities(float[] z, out float[] v)
    {
        int n = z.Length;
        v = NumericsGenerators.Uniform(n, n + 3, 1f);
        var probabilities = new float[n * n];
        CausalAttentionKernel.Forward(Ones(n), 1, z, 1, v, 1, new float[n], 1, n, 0, 1, 1, probabilities);
        return probabilities;
    }

    private static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    private static void AssertEveryEpilogueGives(float[] expected, float[] x, int rows, int columns, GemmActivation activation)
    {
        // C = I·X (rows x rows times rows x columns): every sum is x plus exact zeros, so C is X before the epilogue.
        var identity = new float[rows * rows];
        for (int i = 0; i < rows; i++)
        {
            identity[i * rows + i] = 1f;
        }
        foreach (GemmPath path in GemmPropertyTests.SupportedPaths)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var c = new float[rows * columns];
                Gemm.Multiply(path, threads, 0, Transpose.No, Transpose.No, rows, columns, rows, 1f, identity, rows, x, columns, 0f, c, columns, default, activation);
                NumericsGenerators.AssertSameBits(expected, c, $"{activation} epilogue on {path} with {threads} thread(s)");
            }
        }
    }
}
