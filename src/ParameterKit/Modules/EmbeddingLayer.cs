using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// Looks up one row of an <see cref="Parameters.Embedding"/> table (V x C) per token id: B x T ids become
/// B x T x C vectors. Named <c>{path}.weight</c>, as PyTorch's <c>nn.Embedding</c> (GPT-2's <c>wte.weight</c>).
/// </summary>
public sealed class EmbeddingLayer : Module
{
    /// <summary>Declares a V x C embedding table.</summary>
    /// <param name="scope">Where the layer lives.</param>
    /// <param name="rows">V: vocabulary size or number of positions.</param>
    /// <param name="columns">C: embedding width.</param>
    /// <param name="init">The initializer; N(0, 0.02) when null.</param>
    public EmbeddingLayer(ParameterScope scope, int rows, int columns, Initializer? init = null)
        : base(scope)
    {
        Table = Scope.Embedding(rows, columns, init: init);
    }

    /// <summary>The V x C table.</summary>
    public Embedding Table { get; }

    /// <summary>V: number of rows.</summary>
    public int Rows => Table.Rows;

    /// <summary>C: width of each row.</summary>
    public int Columns => Table.Columns;

    /// <summary>Copies row <c>ids[i]</c> of the table into row i of <paramref name="output"/>.</summary>
    /// <param name="ids">Token (or position) ids, B x T flattened.</param>
    /// <param name="output">ids.Length x C destination.</param>
    /// <exception cref="ShapeMismatchException"><paramref name="output"/> does not hold ids.Length rows of C.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V).</exception>
    public void Forward(ReadOnlySpan<int> ids, Span<float> output)
    {
        int c = Columns;
        if (output.Length != (long)ids.Length * c)
        {
            throw new ShapeMismatchException(Path, new Shape(ids.Length, c), new Shape(output.Length), "the output must hold one row of C per id");
        }
        ReadOnlySpan<float> table = Table.Value;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} at position {i} is outside '{Table.Name}' with {Rows} rows.");
            }
            table.Slice(id * c, c).CopyTo(output.Slice(i * c, c));
        }
    }
}
