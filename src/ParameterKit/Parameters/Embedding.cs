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
}
