using ParameterKit.Parameters;
using ParameterKit.Tensors;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// A residual connection around a layer: <c>y = x + f(x)</c>. The gradient reaches the input along both paths,
/// dX = dY + f'(x)ᵀ·dY, which is what lets deep stacks train. The wrapped layer lives at <c>{path}.inner</c>
/// and must keep the width.
/// </summary>
public sealed class Residual : Layer
{
    private float[] _innerGradient = [];

    /// <summary>Wraps the layer <paramref name="create"/> builds in the scope <c>{path}.inner</c>.</summary>
    /// <param name="scope">Where the residual block lives.</param>
    /// <param name="width">C: the width kept by the wrapped layer.</param>
    /// <param name="create">Builds the wrapped layer from the scope it is given.</param>
    /// <exception cref="ShapeMismatchException">The wrapped layer changes the width.</exception>
    public Residual(ParameterScope scope, int width, Func<ParameterScope, Layer> create)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(create);
        Inner = create(Scope.Scope("inner"));
        int output = Inner.OutputWidth(width);
        if (output != width)
        {
            throw new ShapeMismatchException(Inner.Path, new Shape(width), new Shape(output), "a residual connection needs its layer to keep the width");
        }
        Width = width;
    }

    /// <summary>The wrapped layer f.</summary>
    public Layer Inner { get; }

    /// <summary>C: the width of input and output rows.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override int OutputWidth(int inputWidth) =>
        inputWidth == Width ? Width : throw new ShapeMismatchException(Path, new Shape(Width), new Shape(inputWidth), "input rows do not have the residual block's width");

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        CheckRows(input, output, inputWidth);
        Inner.Forward(input, output, inputWidth);
        TensorPrimitives.Add(output, input, output);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        if (inputGradient.IsEmpty)
        {
            Inner.Backward(input, outputGradient, default, inputWidth);
            return;
        }
        if (_innerGradient.Length < input.Length)
        {
            _innerGradient = new float[input.Length];
        }
        var inner = _innerGradient.AsSpan(0, input.Length);
        Inner.Backward(input, outputGradient, inner, inputWidth);
        TensorPrimitives.Add(inner, outputGradient, inputGradient);
    }
}
