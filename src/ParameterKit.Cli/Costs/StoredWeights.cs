namespace ParameterKit.Cli.Costs;

/// <summary>
/// What a checkpoint holds now: its parameters per stored type (a safetensors dtype or a GGUF type) and their bytes,
/// as <c>inspect</c> counts them (buffers and tied copies excluded).
/// </summary>
/// <param name="ByType">Each type's name, parameters and bytes, largest first.</param>
internal sealed record StoredWeights(IReadOnlyList<(string Type, long Parameters, long Bytes)> ByType)
{
    /// <summary>All parameter bytes.</summary>
    public long Bytes => ByType.Sum(t => t.Bytes);

    /// <summary>All parameters.</summary>
    public long Parameters => ByType.Sum(t => t.Parameters);

    /// <summary>Bytes per parameter on average (0 for an empty checkpoint).</summary>
    public double BytesPerParameter => Parameters == 0 ? 0 : (double)Bytes / Parameters;

    /// <summary>The types as one phrase: <c>Q8_0 85,054,464, F32 38,400</c>.</summary>
    public string Describe() => ByType.Count == 0 ? "no parameters" : string.Join(", ", ByType.Select(t => $"{t.Type} {Output.Numbers.Count(t.Parameters)}"));
}
