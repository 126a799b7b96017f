using ParameterKit.Kernels;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// A fully connected layer: <c>y = x · Wᵀ + b</c> with <see cref="Weight"/> of OC x C and an optional
/// <see cref="Bias"/> of OC. Parameters are named <c>{path}.weight</c> and <c>{path}.bias</c>, as in PyTorch.
/// </summary>
public sealed class Linear : Layer
{
    /// <summary>Declares a linear layer from C to OC channels.</summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="inChannels">C: input width.</param>
    /// <param name="outChannels">OC: output width.</param>
    /// <param name="bias">Whether to declare a bias.</param>
    /// <param name="weightInit">The weight's initializer; Kaiming uniform (PyTorch's default) when null.</param>
    public Linear(ParameterScope scope, int inChannels, int outChannels, bool bias = true, Initializer? weightInit = null)
        : base(scope)
    {
        Weight = Scope.Weight(outChannels, inChannels, init: weightInit);
        Bias = bias ? Scope.Bias(outChannels) : null;
    }

    /// <summary>
    /// Declares a linear layer that reuses an existing matrix as its weight (tied parameters: GPT-2's output head
    /// reads the token embedding <c>wte.weight</c>). The name <c>{path}.weight</c> becomes an alias, counted once.
    /// </summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="tiedWeight">The OC x C matrix to share, from the same store.</param>
    /// <param name="bias">Whether to declare a bias of its own.</param>
    public Linear(ParameterScope scope, Parameter tiedWeight, bool bias = false)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(tiedWeight);
        if (tiedWeight.Shape.Rank != 2)
        {
            throw new InvalidShapeException(scope.NameOf("weight"), tiedWeight.Shape.Dimensions, $"a tied linear weight must be an OC x C matrix, and '{tiedWeight.Name}' is not");
        }
        Weight = Scope.Tie("weight", tiedWeight);
        Bias = bias ? Scope.Bias(tiedWeight.Shape[0]) : null;
    }

    /// <summary>The OC x C matrix (a <see cref="Parameters.Weight"/>, or a tied parameter such as an embedding).</summary>
    public Parameter Weight { get; }

    /// <summary>The OC bias, if declared.</summary>
    public Bias? Bias { get; }

    /// <summary>
    /// The low-rank adapter attached to this layer (by <c>ParameterKit.Adapters.LoraAdapters</c>), or null. When set and not
    /// merged, the forward pass adds <c>s · (dropout(x)·Aᵀ)·Bᵀ</c> and the backward pass fills the adapter's gradients.
    /// </summary>
    public LoraAdapter? Adapter { get; internal set; }

    /// <summary>C: input width.</summary>
    public int InChannels => Weight.Shape[1];

    /// <summary>OC: output width.</summary>
    public int OutChannels => Weight.Shape[0];

    /// <inheritdoc />
    public override int OutputWidth(int inputWidth)
    {
        if (inputWidth != InChannels)
        {
            throw new ShapeMismatchException(Path, Weight.Shape, new Shape(OutChannels, inputWidth),
                $"input rows have {inputWidth} channels but '{Weight.Name}' expects {InChannels}");
        }
        return OutChannels;
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        int rows = CheckRows(input, output, inputWidth);
        Multiply(input, output, rows, 0f, GemmActivation.None);
    }

    /// <summary>
    /// The forward pass with the two options composite blocks need, so they call the layer instead of writing its GEMM
    /// again: <paramref name="accumulate"/> adds <c>x·Wᵀ + b</c> into <paramref name="output"/> (a residual stream) in the
    /// GEMM itself, and <paramref name="activation"/> applies an activation in the GEMM's epilogue (GPT-2's inference
    /// MLP fuses its GELU into <c>c_fc</c>), so neither needs a second pass over the output.
    /// </summary>
    /// <param name="input">Rows of <paramref name="inputWidth"/> (= C) values.</param>
    /// <param name="output">Rows of OC values: overwritten, or added to when <paramref name="accumulate"/>.</param>
    /// <param name="inputWidth">C.</param>
    /// <param name="accumulate">Add into <paramref name="output"/> (GEMM beta = 1) instead of overwriting it.</param>
    /// <param name="activation">Applied to <c>x·Wᵀ + b</c> before it is stored; only without <paramref name="accumulate"/>.</param>
    /// <exception cref="ShapeMismatchException">A span does not hold whole rows of the layer's widths.</exception>
    /// <exception cref="ArgumentException">An activation was asked for together with <paramref name="accumulate"/>: whether it
    /// would apply to the sum or to the addend is ambiguous, so the combination is refused.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth, bool accumulate, GemmActivation activation = GemmActivation.None)
    {
        if (accumulate && activation != GemmActivation.None)
        {
            throw new ArgumentException($"'{Path}': an activation cannot be fused into an accumulating forward pass.", nameof(activation));
        }
        int rows = CheckRows(input, output, inputWidth);
        Multiply(input, output, rows, accumulate ? 1f : 0f, activation);
    }

    /// <summary>
    /// <c>output = act(x·Wᵀ + b + beta·output)</c>: x (rows x C) times Wᵀ (C x OC). W is declared OC x C, so the GEMM reads
    /// it transposed (NT), and adds the bias in the same pass over the output (the fused epilogue). A weight held in
    /// half precision for inference keeps its checkpoint's layout (Conv1D weights stored C x OC are read as they are,
    /// NN) and the GEMM widens it as it goes.
    /// </summary>
    private void Multiply(ReadOnlySpan<float> input, Span<float> output, int rows, float beta, GemmActivation activation)
    {
        if (Adapter is { IsMerged: false } adapter)
        {
            // The activation applies to base + adapter, so it cannot be fused into the base GEMM: add, then activate.
            MultiplyBase(input, output, rows, beta, GemmActivation.None);
            adapter.Forward(input, output[..(rows * OutChannels)], rows);
            Activate(output[..(rows * OutChannels)], activation);
            return;
        }
        MultiplyBase(input, output, rows, beta, activation);
    }

    private static void Activate(Span<float> values, GemmActivation activation)
    {
        switch (activation)
        {
            case GemmActivation.None:
                break;
            case GemmActivation.Relu:
                TensorPrimitives.Max(values, 0f, values);
                break;
            case GemmActivation.GeluTanh:
                Kernels.Numerics.GeluTanh.Forward(values, values);
                break;
            case GemmActivation.Silu:
                Kernels.Numerics.Silu.Forward(values, values);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    private void MultiplyBase(ReadOnlySpan<float> input, Span<float> output, int rows, float beta, GemmActivation activation)
    {
        int c = InChannels, oc = OutChannels;
        ReadOnlySpan<float> bias = Bias is null ? default : Bias.Value;
        if (Weight.Quantized is { } quantized)
        {
            // Q8_0 rows are the declared OC x C: blocks run along C, the dimension the product reduces over.
            GemmQ8_0.Multiply(rows, oc, c, input, c, quantized.Blocks, beta, output, oc, bias, activation);
            return;
        }
        if (Weight.Held is { } held)
        {
            GemmHalf.Multiply(Transpose.No, held.StoredTransposed ? Transpose.No : Transpose.Yes, rows, oc, c, 1f, input, c,
                held.Values, held.Type, held.StoredColumns, beta, output, oc, bias, activation);
            return;
        }
        Gemm.Multiply(Transpose.No, Transpose.Yes, rows, oc, c, 1f, input, c, Weight.Value, c, beta, output, oc, bias, activation);
    }

    /// <inheritdoc />
    /// <remarks>dW += dYᵀ·X (a TN GEMM accumulating into the gradient), db += Σ_rows dY, dX = dY·W (NN).
    /// Frozen parameters receive no gradient, which also skips their GEMM. An attached <see cref="Adapter"/> then adds
    /// its own gradients and its share of dX.</remarks>
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        int c = InChannels, oc = OutChannels;
        if (Weight.IsTrainable)
        {
            Gemm.Multiply(Transpose.Yes, Transpose.No, oc, c, rows, 1f, outputGradient, oc, input, c, 1f, Weight.Gradient, c);
        }
        if (Bias is not null && Bias.IsTrainable)
        {
            Span<float> db = Bias.Gradient;
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.Add(db, outputGradient.Slice(r * oc, oc), db);
            }
        }
        if (!inputGradient.IsEmpty)
        {
            Gemm.Multiply(Transpose.No, Transpose.No, rows, c, oc, 1f, outputGradient, oc, Weight.Value, c, 0f, inputGradient, c);
        }
        // After the base: the adapter adds its share to the input gradient the base layer just wrote.
        Adapter?.Backward(input, outputGradient, inputGradient, rows);
    }
}
