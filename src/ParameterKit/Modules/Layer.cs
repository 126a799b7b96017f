using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// A module that maps rows of floats to rows of floats: the input is any number of rows (B or B·T, flattened)
/// of a fixed width, the output the same number of rows of <see cref="OutputWidth(int)"/>. Layers compose in a
/// <see cref="Sequential"/>.
/// </summary>
/// <remarks>
/// Forward takes its input and writes a caller-provided output, and keeps no hidden state beyond what its
/// backward pass will need (the caller keeps the activations, as llm.c does), so steady-state inference and
/// training allocate nothing.
/// </remarks>
public abstract class Layer : Module
{
    /// <summary>Registers the layer at <paramref name="scope"/>'s path.</summary>
    /// <param name="scope">Where the layer lives.</param>
    protected Layer(ParameterScope scope)
        : base(scope)
    {
    }

    /// <summary>The output row width for an input row width, after checking the layer accepts it.</summary>
    /// <param name="inputWidth">C of the input rows.</param>
    /// <exception cref="ShapeMismatchException">The layer cannot take rows of that width.</exception>
    public abstract int OutputWidth(int inputWidth);

    /// <summary>Computes the layer for every row of <paramref name="input"/>.</summary>
    /// <param name="input">Rows x C input, row-major (B x C, or B x T x C flattened).</param>
    /// <param name="output">Rows x OutputWidth(C) destination.</param>
    /// <param name="inputWidth">C: the width of one input row.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit the layer's shapes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputWidth"/> is negative.</exception>
    public abstract void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth);

    /// <summary>
    /// Back-propagates through the layer for the batch last passed to <see cref="Forward"/>: adds the
    /// gradients of its parameters into their <see cref="Parameter.Gradient"/> (accumulating, so micro-batches
    /// add up until the gradients are zeroed) and writes the gradient with respect to the input.
    /// </summary>
    /// <param name="input">The same input the forward pass saw.</param>
    /// <param name="outputGradient">dLoss/dOutput, rows x OutputWidth(C).</param>
    /// <param name="inputGradient">Receives dLoss/dInput, rows x C; pass an empty span when no gradient is needed
    /// for the input (the first layer of a model), which skips that work.</param>
    /// <param name="inputWidth">C: the width of one input row.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit the layer's shapes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputWidth"/> is negative.</exception>
    public abstract void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth);

    /// <summary>Checks the spans of a backward call; returns the row count.</summary>
    /// <param name="input">The forward input.</param>
    /// <param name="outputGradient">The gradient of the output.</param>
    /// <param name="inputGradient">The input gradient destination, or empty.</param>
    /// <param name="inputWidth">C of the input rows.</param>
    /// <returns>The number of rows.</returns>
    /// <exception cref="ShapeMismatchException">A length does not fit.</exception>
    protected int CheckBackwardRows(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> inputGradient, int inputWidth)
    {
        int rows = CheckRows(input, outputGradient, inputWidth);
        if (!inputGradient.IsEmpty && inputGradient.Length != input.Length)
        {
            throw new ShapeMismatchException(Path, new Shape(rows, inputWidth), new Shape(inputGradient.Length), "the input gradient must match the input, or be empty");
        }
        return rows;
    }

    /// <summary>Checks that <paramref name="input"/> holds whole rows and <paramref name="output"/> has room; returns the row count.</summary>
    /// <param name="input">The input span.</param>
    /// <param name="output">The output span.</param>
    /// <param name="inputWidth">C of the input rows.</param>
    /// <returns>The number of rows.</returns>
    /// <exception cref="ShapeMismatchException">A length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputWidth"/> is negative.</exception>
    protected int CheckRows(ReadOnlySpan<float> input, ReadOnlySpan<float> output, int inputWidth)
    {
        // Before OutputWidth, whose mismatch messages build shapes from the width (a negative one cannot be a shape).
        if (inputWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, $"Input rows at '{Path}' cannot have a negative width.");
        }
        int outputWidth = OutputWidth(inputWidth);
        if (inputWidth <= 0 || input.Length % inputWidth != 0)
        {
            throw new ShapeMismatchException(Path, new Shape(input.Length / Math.Max(inputWidth, 1), inputWidth), new Shape(input.Length),
                $"the input's {input.Length} values are not whole rows of width {inputWidth}");
        }
        int rows = input.Length / inputWidth;
        if (output.Length != (long)rows * outputWidth)
        {
            throw new ShapeMismatchException(Path, new Shape(rows, outputWidth), new Shape(output.Length),
                $"the output must hold {rows} rows of width {outputWidth}");
        }
        return rows;
    }
}
