using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// Layer normalization over the last dimension: each row is shifted to mean 0 and scaled to variance 1
/// (biased variance, plus <see cref="Epsilon"/>), then multiplied by a <see cref="NormGain"/> and shifted by a
/// <see cref="Bias"/>, both of width C (<c>{path}.weight</c>, <c>{path}.bias</c>, as GPT-2's <c>ln_1</c>).
/// </summary>
public sealed class LayerNorm : Layer
{
    /// <summary>Declares a LayerNorm over rows of <paramref name="channels"/>.</summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="channels">C: the normalized width.</param>
    /// <param name="epsilon">Added to the variance for stability (GPT-2: 1e-5).</param>
    public LayerNorm(ParameterScope scope, int channels, float epsilon = 1e-5f)
        : base(scope)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Gain = Scope.NormGain(channels);
        Bias = Scope.Bias(channels);
        Epsilon = epsilon;
    }

    /// <summary>The per-channel scale (gamma), stored as <c>weight</c>.</summary>
    public NormGain Gain { get; }

    /// <summary>The per-channel shift (beta).</summary>
    public Bias Bias { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <summary>C: the normalized width.</summary>
    public int Channels => Gain.Shape[0];

    /// <inheritdoc />
    public override int OutputWidth(int inputWidth) =>
        inputWidth == Channels ? Channels : throw new ShapeMismatchException(Path, Gain.Shape, new Shape(inputWidth), $"input rows have {inputWidth} channels but the layer normalizes {Channels}");

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        int rows = CheckRows(input, output, inputWidth);
        int c = Channels;
        ReadOnlySpan<float> gain = Gain.Value, bias = Bias.Value;
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var y = output.Slice(r * c, c);
            RowStatistics.MeanAndVariance(x, out float mean, out float variance);
            float rstd = 1f / MathF.Sqrt(variance + Epsilon);
            for (int i = 0; i < c; i++)
            {
                y[i] = (x[i] - mean) * rstd * gain[i] + bias[i];
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>With x̂ = (x - μ)·r, r = 1/√(σ² + ε), per row: dGain += dY·x̂, dBias += dY, and
    /// dX = r·(g·dY - mean(g·dY) - x̂·mean(g·dY·x̂)). μ and r are recomputed from the input rather than stored.</remarks>
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        int c = Channels;
        ReadOnlySpan<float> gain = Gain.Value;
        Span<float> dGain = Gain.IsTrainable ? Gain.Gradient : default;
        Span<float> dBias = Bias.IsTrainable ? Bias.Gradient : default;
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var dy = outputGradient.Slice(r * c, c);
            RowStatistics.MeanAndVariance(x, out float mean, out float variance);
            float rstd = 1f / MathF.Sqrt(variance + Epsilon);
            double meanDxHat = 0, meanDxHatXHat = 0;
            for (int i = 0; i < c; i++)
            {
                float xHat = (x[i] - mean) * rstd;
                float dxHat = dy[i] * gain[i];
                meanDxHat += dxHat;
                meanDxHatXHat += dxHat * xHat;
                if (!dGain.IsEmpty)
                {
                    dGain[i] += dy[i] * xHat;
                }
                if (!dBias.IsEmpty)
                {
                    dBias[i] += dy[i];
                }
            }
            if (inputGradient.IsEmpty)
            {
                continue;
            }
            float m1 = (float)(meanDxHat / c), m2 = (float)(meanDxHatXHat / c);
            var dx = inputGradient.Slice(r * c, c);
            for (int i = 0; i < c; i++)
            {
                float xHat = (x[i] - mean) * rstd;
                dx[i] = rstd * (dy[i] * gain[i] - m1 - xHat * m2);
            }
        }
    }
}
