using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;
using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>
/// Looks up one row of an <see cref="Parameters.Embedding"/> table (V x C) per token id: B x T ids become
/// B x T x C vectors. Named <c>{path}.weight</c>, as PyTorch's <c>nn.Embedding</c> (GPT-2's <c>wte.weight</c>).
/// </summary>
public sealed class EmbeddingLayer : Module
{
    private float[] _widened = [];

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
        // A table held in half precision or Q8_0 (a model loaded for inference) widens or dequantizes each looked-up row.
        HeldMatrix? held = Table.Held;
        Q8_0Matrix? quantized = Table.Quantized;
        ReadOnlySpan<float> table = held is null && quantized is null ? Table.Value : default;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} at position {i} is outside '{Table.Name}' with {Rows} rows.");
            }
            if (quantized is not null)
            {
                quantized.DequantizeRow(id, output.Slice(i * c, c));
            }
            else if (held is null)
            {
                table.Slice(id * c, c).CopyTo(output.Slice(i * c, c));
            }
            else
            {
                held.WidenRow(id, output.Slice(i * c, c));
            }
        }
    }

    /// <summary>Adds table row <paramref name="row"/> into <paramref name="destination"/> (C values): a position embedding.</summary>
    internal void AddRow(int row, Span<float> destination)
    {
        if (Table.Held is null && Table.Quantized is null)
        {
            TensorPrimitives.Add(destination, Table.Value.Slice(row * Columns, Columns), destination);
            return;
        }
        if (_widened.Length < Columns)
        {
            _widened = new float[Columns];
        }
        Span<float> widened = _widened.AsSpan(0, Columns);
        if (Table.Quantized is { } quantized)
        {
            quantized.DequantizeRow(row, widened);
        }
        else
        {
            Table.Held!.WidenRow(row, widened);
        }
        TensorPrimitives.Add(destination, widened, destination);
    }

    /// <summary>Adds row i of <paramref name="outputGradient"/> into the gradient of table row <c>ids[i]</c>.</summary>
    /// <param name="ids">The ids the forward pass looked up.</param>
    /// <param name="outputGradient">ids.Length x C gradient of the looked-up rows.</param>
    /// <exception cref="ShapeMismatchException">The gradient does not hold ids.Length rows of C.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V); no gradient has been changed.</exception>
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> outputGradient)
    {
        int c = Columns;
        if (outputGradient.Length != (long)ids.Length * c)
        {
            throw new ShapeMismatchException(Path, new Shape(ids.Length, c), new Shape(outputGradient.Length), "the gradient must hold one row of C per id");
        }
        CheckIdsBeforeBackward(ids, tokensPerRow: 0);
        if (!Table.IsTrainable)
        {
            return;
        }
        for (int i = 0; i < ids.Length; i++)
        {
            var row = Table.GradientRow(ids[i]);
            TensorPrimitives.Add(row, outputGradient.Slice(i * c, c), row);
        }
    }

    /// <summary>
    /// Looks up B rows of T ids each and pools them over T into one C-vector per row (a bag of embeddings).
    /// Negative ids are padding: skipped, and not counted by <see cref="Pooling.Mean"/>. A row of only padding
    /// pools to zeros.
    /// </summary>
    /// <param name="ids">B x T ids, row-major.</param>
    /// <param name="tokensPerRow">T.</param>
    /// <param name="pooling">Mean or sum over the T positions.</param>
    /// <param name="output">B x C destination.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit B x T and B x C.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is at least V.</exception>
    public void ForwardPooled(ReadOnlySpan<int> ids, int tokensPerRow, Pooling pooling, Span<float> output)
    {
        int batch = CheckPooled(ids, tokensPerRow, output.Length);
        int c = Columns;
        ReadOnlySpan<float> table = Table.Value;
        output.Clear();
        for (int b = 0; b < batch; b++)
        {
            var pooled = output.Slice(b * c, c);
            int used = 0;
            foreach (int id in ids.Slice(b * tokensPerRow, tokensPerRow))
            {
                if (id < 0)
                {
                    continue;
                }
                if (id >= Rows)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} in row {b} is outside '{Table.Name}' with {Rows} rows.");
                }
                TensorPrimitives.Add(pooled, table.Slice(id * c, c), pooled);
                used++;
            }
            if (pooling == Pooling.Mean && used > 1)
            {
                TensorPrimitives.Multiply(pooled, 1f / used, pooled);
            }
        }
    }

    /// <summary>The backward pass of <see cref="ForwardPooled"/>: each non-padding id's table row receives its bag's
    /// gradient (divided by the bag's token count for <see cref="Pooling.Mean"/>). Only touched rows change.</summary>
    /// <param name="ids">The B x T ids of the forward pass.</param>
    /// <param name="tokensPerRow">T.</param>
    /// <param name="pooling">The pooling of the forward pass.</param>
    /// <param name="outputGradient">B x C gradient of the pooled vectors.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit B x T and B x C.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is at least V; no gradient has been changed.</exception>
    public void BackwardPooled(ReadOnlySpan<int> ids, int tokensPerRow, Pooling pooling, ReadOnlySpan<float> outputGradient)
    {
        int batch = CheckPooled(ids, tokensPerRow, outputGradient.Length);
        CheckIdsBeforeBackward(ids, tokensPerRow);
        if (!Table.IsTrainable)
        {
            return;
        }
        int c = Columns;
        for (int b = 0; b < batch; b++)
        {
            var bag = ids.Slice(b * tokensPerRow, tokensPerRow);
            int used = 0;
            foreach (int id in bag)
            {
                used += id >= 0 ? 1 : 0;
            }
            float scale = pooling == Pooling.Mean && used > 0 ? 1f / used : 1f;
            var dy = outputGradient.Slice(b * c, c);
            foreach (int id in bag)
            {
                if (id >= 0)
                {
                    var row = Table.GradientRow(id);
                    TensorPrimitives.MultiplyAdd(dy, scale, row, row);
                }
            }
        }
    }

    /// <summary>
    /// Looks up B rows of T ids and sums each row's embeddings scaled by a weight per id: the pooled vector of row b is
    /// <c>Σₜ weights[b,t] · table[ids[b,t]]</c> (PyTorch's <c>EmbeddingBag(mode="sum")</c> with <c>per_sample_weights</c>).
    /// Weights let a bag say how much each member counts, for example TF-IDF weights that make rare, telling n-grams
    /// count more than common ones. Negative ids are padding and their weights are ignored.
    /// </summary>
    /// <param name="ids">B x T ids, row-major.</param>
    /// <param name="weights">B x T weights, one per id.</param>
    /// <param name="tokensPerRow">T.</param>
    /// <param name="output">B x C destination.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit B x T and B x C, or there is not one weight per id.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is at least V.</exception>
    public void ForwardWeighted(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, int tokensPerRow, Span<float> output)
    {
        int batch = CheckWeighted(ids, weights, tokensPerRow, output.Length);
        int c = Columns;
        ReadOnlySpan<float> table = Table.Value;
        output.Clear();
        for (int b = 0; b < batch; b++)
        {
            var pooled = output.Slice(b * c, c);
            for (int t = b * tokensPerRow, end = t + tokensPerRow; t < end; t++)
            {
                int id = ids[t];
                if (id < 0)
                {
                    continue;
                }
                if (id >= Rows)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} in row {b} is outside '{Table.Name}' with {Rows} rows.");
                }
                TensorPrimitives.MultiplyAdd(table.Slice(id * c, c), weights[t], pooled, pooled);
            }
        }
    }

    /// <summary>The backward pass of <see cref="ForwardWeighted"/>: each non-padding id's table row receives its bag's
    /// gradient times its weight. Only touched rows change; the weights are inputs and get no gradient.</summary>
    /// <param name="ids">The B x T ids of the forward pass.</param>
    /// <param name="weights">The B x T weights of the forward pass.</param>
    /// <param name="tokensPerRow">T.</param>
    /// <param name="outputGradient">B x C gradient of the pooled vectors.</param>
    /// <exception cref="ShapeMismatchException">The lengths do not fit B x T and B x C, or there is not one weight per id.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is at least V; no gradient has been changed.</exception>
    public void BackwardWeighted(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, int tokensPerRow, ReadOnlySpan<float> outputGradient)
    {
        int batch = CheckWeighted(ids, weights, tokensPerRow, outputGradient.Length);
        CheckIdsBeforeBackward(ids, tokensPerRow);
        if (!Table.IsTrainable)
        {
            return;
        }
        int c = Columns;
        for (int b = 0; b < batch; b++)
        {
            var dy = outputGradient.Slice(b * c, c);
            for (int t = b * tokensPerRow, end = t + tokensPerRow; t < end; t++)
            {
                if (ids[t] >= 0)
                {
                    var row = Table.GradientRow(ids[t]);
                    TensorPrimitives.MultiplyAdd(dy, weights[t], row, row);
                }
            }
        }
    }

    /// <summary>
    /// Every id names a table row (negative ids are padding in the pooled forms, where <paramref name="tokensPerRow"/>
    /// is T; the plain lookup has none, 0), checked before a backward pass adds anything, so an out-of-range id leaves
    /// the gradients as they were instead of half accumulated.
    /// </summary>
    private void CheckIdsBeforeBackward(ReadOnlySpan<int> ids, int tokensPerRow)
    {
        bool padding = tokensPerRow > 0;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if (id >= Rows || (id < 0 && !padding))
            {
                string where = padding ? $"in row {i / tokensPerRow}" : $"at position {i}";
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} {where} is outside '{Table.Name}' with {Rows} rows.");
            }
        }
    }

    private int CheckWeighted(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, int tokensPerRow, int outputLength)
    {
        int batch = CheckPooled(ids, tokensPerRow, outputLength);
        if (weights.Length != ids.Length)
        {
            throw new ShapeMismatchException(Path, new Shape(batch, tokensPerRow), new Shape(weights.Length), "there must be one weight per id");
        }
        return batch;
    }

    private int CheckPooled(ReadOnlySpan<int> ids, int tokensPerRow, int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerRow);
        if (ids.Length % tokensPerRow != 0)
        {
            throw new ShapeMismatchException(Path, new Shape(ids.Length / tokensPerRow, tokensPerRow), new Shape(ids.Length), $"the ids are not whole rows of T = {tokensPerRow}");
        }
        int batch = ids.Length / tokensPerRow;
        if (outputLength != (long)batch * Columns)
        {
            throw new ShapeMismatchException(Path, new Shape(batch, Columns), new Shape(outputLength), "the pooled buffer must hold one row of C per bag");
        }
        return batch;
    }
}
