using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// Layers applied one after another; child <c>i</c> lives at <c>{path}.{i}</c>, as in PyTorch's
/// <c>nn.Sequential</c>. Widths are checked as layers are added, so consecutive layers that cannot fit fail at
/// construction, naming both shapes, not on the first batch.
/// </summary>
/// <example><code>
/// var mlp = new Sequential(store.Scope("mlp"), inputWidth: 768)
///     .Add(s => new Linear(s, 768, 3072))
///     .Add(s => new Gelu(s))
///     .Add(s => new Linear(s, 3072, 768));
/// </code></example>
public class Sequential : Layer
{
    private readonly List<Layer> _layers = [];
    private readonly List<int> _widths = [];
    private float[][] _activations = [];
    private float[] _gradientA = [];
    private float[] _gradientB = [];
    private int _rows;

    /// <summary>Creates an empty sequence taking rows of <paramref name="inputWidth"/>.</summary>
    /// <param name="scope">Where the sequence lives.</param>
    /// <param name="inputWidth">C of the input rows.</param>
    public Sequential(ParameterScope scope, int inputWidth)
        : base(scope)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        _widths.Add(inputWidth);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>C of the input rows.</summary>
    public int InputWidth => _widths[0];

    /// <summary>Width of the rows the last layer produces.</summary>
    public int FinalWidth => _widths[^1];

    /// <summary>Appends the layer <paramref name="create"/> builds in the scope <c>{path}.{index}</c>.</summary>
    /// <param name="create">Builds the layer from the scope it is given.</param>
    /// <returns>This sequence, for chaining.</returns>
    /// <exception cref="ShapeMismatchException">The layer cannot take the previous layer's output width.</exception>
    /// <exception cref="ArgumentException">The layer was built in another scope than the one given.</exception>
    public Sequential Add(Func<ParameterScope, Layer> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var scope = Scope.Scope(_layers.Count);
        var layer = create(scope);
        if (layer.Path != scope.Path || !ReferenceEquals(layer.Store, Store))
        {
            throw new ArgumentException($"The layer added at '{scope.Path}' was built at '{layer.Path}'; build it with the scope the factory receives.", nameof(create));
        }
        _widths.Add(layer.OutputWidth(FinalWidth));
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc />
    public override int OutputWidth(int inputWidth) =>
        inputWidth == InputWidth ? FinalWidth : throw new ShapeMismatchException(Path, new Shape(InputWidth), new Shape(inputWidth), "the sequence's first layer takes a different width");

    /// <summary>The output of layer <paramref name="index"/> from the last <see cref="Forward"/> call (rows x its width).</summary>
    /// <param name="index">The layer index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a layer's.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has run yet.</exception>
    public ReadOnlySpan<float> ActivationOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _layers.Count);
        if (index >= _activations.Length)
        {
            throw new InvalidOperationException($"'{Path}' has no activations before its first Forward call.");
        }
        return _activations[index].AsSpan(0, _rows * _widths[index + 1]);
    }

    /// <inheritdoc />
    /// <remarks>Every layer's output is kept (the backward pass needs them) in buffers reused across calls:
    /// they grow to the largest batch seen and are never reallocated after that.</remarks>
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
    {
        int rows = CheckRows(input, output, inputWidth);
        EnsureActivations(rows);
        ReadOnlySpan<float> current = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            Span<float> next = _activations[i].AsSpan(0, rows * _widths[i + 1]);
            _layers[i].Forward(current, next, _widths[i]);
            current = next;
        }
        current.CopyTo(output);
    }

    /// <inheritdoc />
    /// <remarks>Uses the activations kept by the last <see cref="Forward"/>, which must have seen this same input.
    /// Intermediate gradients ping-pong between two reused buffers.</remarks>
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
    {
        int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
        if (rows != _rows)
        {
            throw new InvalidOperationException($"Backward at '{Path}' got {rows} rows but the last Forward saw {_rows}; call Forward on the same batch first.");
        }
        if (_layers.Count == 0)
        {
            outputGradient.CopyTo(inputGradient);
            return;
        }
        int largest = 0;
        for (int i = 1; i < _widths.Count - 1; i++)
        {
            largest = Math.Max(largest, rows * _widths[i]);
        }
        if (_gradientA.Length < largest)
        {
            _gradientA = new float[largest];
            _gradientB = new float[largest];
        }
        ReadOnlySpan<float> current = outputGradient;
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            ReadOnlySpan<float> layerInput = i == 0 ? input : ActivationOf(i - 1);
            Span<float> next = i == 0 ? inputGradient : ((i % 2 == 0) ? _gradientA : _gradientB).AsSpan(0, rows * _widths[i]);
            _layers[i].Backward(layerInput, current, next, _widths[i]);
            current = next;
        }
    }

    private void EnsureActivations(int rows)
    {
        _rows = rows;
        if (_activations.Length != _layers.Count)
        {
            Array.Resize(ref _activations, _layers.Count);
        }
        for (int i = 0; i < _layers.Count; i++)
        {
            long needed = (long)rows * _widths[i + 1];
            if (_activations[i] is null || _activations[i].Length < needed)
            {
                _activations[i] = new float[needed];
            }
        }
    }
}
