namespace SentimentChat.Text;

/// <summary>
/// Rows of (id, weight) pairs of different lengths, stored back to back (compressed sparse rows): row <c>i</c> is
/// <c>[Offsets[i], Offsets[i + 1])</c> of <see cref="Ids"/> and <see cref="Weights"/>. A message has as many
/// distinct terms as it has, so fixed-width slots would either cut long messages or pad short ones by thousands.
/// </summary>
/// <param name="Offsets">Row starts, one more than there are rows.</param>
/// <param name="Ids">Every row's ids, row after row.</param>
/// <param name="Weights">One weight per id.</param>
public sealed record SparseRows(int[] Offsets, int[] Ids, float[] Weights)
{
    /// <summary>How many rows there are.</summary>
    public int Count => Offsets.Length - 1;

    /// <summary>The ids of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> IdsOf(int row) => Ids.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    /// <summary>The weights of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> WeightsOf(int row) => Weights.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);
}
