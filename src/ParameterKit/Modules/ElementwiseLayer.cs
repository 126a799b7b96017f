using ParameterKit.Parameters;

namespace ParameterKit.Modules;

/// <summary>A layer without parameters that maps each value independently, so rows keep their width.</summary>
public abstract class ElementwiseLayer : Layer
{
    /// <summary>Registers the layer at <paramref name="scope"/>'s path.</summary>
    /// <param name="scope">Where the layer lives (it declares nothing, but has a name in summaries).</param>
    protected ElementwiseLayer(ParameterScope scope)
        : base(scope)
    {
    }

    /// <inheritdoc />
    public override int OutputWidth(int inputWidth) => inputWidth;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        CheckRows(input, output, inputWidth);
        Apply(input, output);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        if (!inputGradient.IsEmpty)
        {
            ApplyBackward(input, outputGradient, inputGradient);
        }
    }

    /// <summary>Writes dLoss/dInput = f'(input) · outputGradient for every value (all three spans have equal length).</summary>
    /// <param name="input">The forward input.</param>
    /// <param name="outputGradient">dLoss/dOutput.</param>
    /// <param name="inputGradient">dLoss/dInput destination; may alias <paramref name="outputGradient"/>.</param>
    protected abstract void ApplyBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary>Applies the function to every value; <paramref name="input"/> and <paramref name="output"/> have equal length and may be the same memory.</summary>
    /// <param name="input">The values.</param>
    /// <param name="output">The destination.</param>
    protected abstract void Apply(ReadOnlySpan<float> input, Span<float> output);
}
