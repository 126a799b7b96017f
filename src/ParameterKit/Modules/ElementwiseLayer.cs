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

    /// <summary>Applies the function to every value; <paramref name="input"/> and <paramref name="output"/> have equal length and may be the same memory.</summary>
    /// <param name="input">The values.</param>
    /// <param name="output">The destination.</param>
    protected abstract void Apply(ReadOnlySpan<float> input, Span<float> output);
}
