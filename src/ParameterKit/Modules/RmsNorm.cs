using ParameterKit.Parameters;
using ParameterKit.Tensors;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// Root-mean-square normalization (Llama's <c>input_layernorm</c>): each row is divided by
/// √(mean(x²) + ε) and multiplied by a <see cref="NormGain"/> of width C. No mean subtraction, no bias.
/// </summary>
public sealed class RmsNorm : Layer
{
    /// <summary>Declares an RMSNorm over rows of <paramref name="channels"/>.</summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="channels">C: the normalized width.</param>
    /// <param name="epsilon">Added to the mean square for stability (Llama 2: 1e-5).</param>
    public RmsNorm(ParameterScope scope, int channels, float epsilon = 1e-5f)
        : base(scope)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        Gain = Scope.NormGain(channels);
        Epsilon = epsilon;
    }

    /// <summary>The per-channel scale, stored as <c>weight</c>.</summary>
    public NormGain Gain { get; }

    /// <summary>Added to the mean square before the square root.</summary>
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
        ReadOnlySpan<float> gain = Gain.Value;
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var y = output.Slice(r * c, c);
            float rms = MathF.Sqrt(TensorPrimitives.SumOfSquares(x) / c + Epsilon);
            TensorPrimitives.Multiply(x, 1f / rms, y);
            TensorPrimitives.Multiply(y, gain, y);
        }
    }

    /// <inheritdoc />
    /// <remarks>With r = 1/√(mean(x²) + ε): dGain += dY·x·r and dX = r·g·dY - x·r³·(Σ dY·g·x)/C.</remarks>
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        int c = Channels;
        ReadOnlySpan<float> gain = Gain.Value;
        Span<float> dGain = Gain.IsTrainable ? Gain.Gradient : default;
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * c, c);
            var dy = outputGradient.Slice(r * c, c);
            float rstd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(x) / c + Epsilon);
            double dot = 0;
            for (int i = 0; i < c; i++)
            {
                dot += dy[i] * gain[i] * x[i];
                if (!dGain.IsEmpty)
                {
                    dGain[i] += dy[i] * x[i] * rstd;
                }
            }
            if (inputGradient.IsEmpty)
            {
                continue;
            }
            float k = (float)(dot / c) * rstd * rstd * rstd;
            var dx = inputGradient.Slice(r * c, c);
            for (int i = 0; i < c; i++)
            {
                dx[i] = rstd * gain[i] * dy[i] - x[i] * k;
            }
        }
    }
}
