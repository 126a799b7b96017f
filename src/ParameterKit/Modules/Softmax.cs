using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Modules;

/// <summary>
/// Softmax over each row: <c>y_i = exp(x_i - max x) / Σ_j exp(x_j - max x)</c> (subtracting the row maximum keeps
/// exp from overflowing). For training a classifier prefer the fused softmax cross-entropy loss, which is more
/// stable; this layer is for models that use probabilities inside (attention weights, mixtures). It computes the
/// library's one softmax, the same bits as causal attention, the loss and the token sampler.
/// </summary>
/// <param name="scope">Where the layer lives.</param>
public sealed class Softmax(ParameterScope scope) : Layer(scope)
{
    /// <inheritdoc />
    public override int OutputWidth(int inputWidth) =>
        inputWidth > 0 ? inputWidth : throw new ShapeMismatchException(Path, new Shape(1), new Shape(inputWidth), "softmax needs at least one column");

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        int rows = CheckRows(input, output, inputWidth);
        for (int r = 0; r < rows; r++)
        {
            RowSoftmax.Forward(input.Slice(r * inputWidth, inputWidth), output.Slice(r * inputWidth, inputWidth));
        }
    }

    /// <inheritdoc />
    /// <remarks>dX = y ⊙ (dY - Σ dY ⊙ y), with y recomputed from the input (one row at a time, no scratch memory
    /// beyond the destination row).</remarks>
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        if (inputGradient.IsEmpty)
        {
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            var y = inputGradient.Slice(r * inputWidth, inputWidth);
            var dy = outputGradient.Slice(r * inputWidth, inputWidth);
            RowSoftmax.Forward(input.Slice(r * inputWidth, inputWidth), y);
            RowSoftmax.Backward(y, dy, y);
        }
    }
}
