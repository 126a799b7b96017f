using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A lookup table of V rows of C values (shape V x C): row <c>i</c> is the vector for token or position
/// <c>i</c>. Only the rows a batch touches are read, and only they receive gradient.
/// Defaults: N(0, 0.02) initialization (as GPT-2), no weight decay.
/// </summary>
public sealed class Embedding : Parameter
{
    internal Embedding(ParameterStore store, string name, int rows, int columns, Initializer? initializer)
        : base(store, name, new Shape(rows, columns), new FanInfo(columns, rows), initializer)
    {
    }

    /// <inheritdoc />
    public override ParameterKind Kind => ParameterKind.Embedding;

    /// <summary>V: the number of rows (vocabulary or positions).</summary>
    public int Rows => Shape[0];

    /// <summary>C: the width of each row.</summary>
    public int Columns => Shape[1];

    /// <summary>Row <paramref name="index"/>'s values.</summary>
    /// <param name="index">The row (token id or position).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, V).</exception>
    public Span<float> Row(int index)
    {
        if ((uint)index >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Row {index} is outside '{Name}' with {Rows} rows.");
        }
        return Value.Slice(index * Columns, Columns);
    }

    private protected override Initializer DefaultInitializer => Init.EmbeddingDefault;

    // A batch of 64 x 32 tokens touches at most 2,048 of GPT-2's 50,257 rows, so zeroing the whole 12.8 MB gradient
    // every step would cost more than the rest of a bag-of-embeddings step. Rows written through GradientRow are
    // recorded and only they are cleared; any other access to Gradient may write anywhere and clears it all.
    private bool[]? _rowTouched;
    private int[] _touchedRows = [];
    private int _touchedCount;
    private bool _allRowsDirty = true;

    /// <summary>Row <paramref name="index"/> of the gradient, recorded as touched so the next clear visits it.</summary>
    internal Span<float> GradientRow(int index)
    {
        _rowTouched ??= new bool[Rows];
        if (!_rowTouched[index])
        {
            _rowTouched[index] = true;
            if (_touchedCount == _touchedRows.Length)
            {
                Array.Resize(ref _touchedRows, Math.Max(64, 2 * _touchedRows.Length));
            }
            _touchedRows[_touchedCount++] = index;
        }
        return GradientForSweep.Slice(index * Columns, Columns);
    }

    internal override void OnGradientExposed() => _allRowsDirty = true;

    internal override void ClearGradient()
    {
        var gradient = GradientForSweep;
        if (_allRowsDirty)
        {
            gradient.Clear();
        }
        else
        {
            for (int i = 0; i < _touchedCount; i++)
            {
                gradient.Slice(_touchedRows[i] * Columns, Columns).Clear();
            }
        }
        for (int i = 0; i < _touchedCount; i++)
        {
            _rowTouched![_touchedRows[i]] = false;
        }
        _touchedCount = 0;
        _allRowsDirty = false;
    }
}
