namespace ParameterKit.SafeTensors;

/// <summary>
/// Row-major transpose for checkpoint layouts stored the other way round (Hugging Face Conv1D keeps C x OC).
/// Tiled, so both the reads and the writes stay within a few cache lines per tile instead of striding the
/// whole matrix on one side.
/// </summary>
internal static class MatrixTranspose
{
    private const int Tile = 32;

    /// <summary><c>destination[c * rows + r] = source[r * cols + c]</c>.</summary>
    internal static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        if (source.Length != (long)rows * cols || destination.Length != source.Length)
        {
            throw new ArgumentException($"A {rows} x {cols} transpose needs {(long)rows * cols} values in and out; got {source.Length} and {destination.Length}.");
        }
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        destination[c * rows + r] = source[r * cols + c];
                    }
                }
            }
        }
    }
}
