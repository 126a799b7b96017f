namespace ParameterKit.Cli.Diffing;

/// <summary>How one <c>__metadata__</c> entry differs between checkpoint A and checkpoint B.</summary>
/// <param name="Key">The metadata key.</param>
/// <param name="Status"><see cref="DifferenceStatus.Unchanged"/>, <see cref="DifferenceStatus.Changed"/>,
/// <see cref="DifferenceStatus.Added"/> or <see cref="DifferenceStatus.Removed"/>.</param>
/// <param name="A">The value in A, or null when A lacks the key.</param>
/// <param name="B">The value in B, or null when B lacks the key.</param>
internal sealed record MetadataDifference(string Key, DifferenceStatus Status, string? A, string? B)
{
    /// <summary>
    /// Compares two <c>__metadata__</c> maps key by key (a missing map is an empty one): A's keys in order, then
    /// B's additions. A changed format, training step or kind record matters as much as a changed tensor.
    /// </summary>
    /// <param name="a">A's metadata.</param>
    /// <param name="b">B's metadata.</param>
    /// <returns>One entry per key in either map.</returns>
    public static IReadOnlyList<MetadataDifference> Compare(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        var differences = new List<MetadataDifference>();
        foreach ((string key, string value) in a)
        {
            differences.Add(b.TryGetValue(key, out string? other)
                ? new MetadataDifference(key, string.Equals(value, other, StringComparison.Ordinal) ? DifferenceStatus.Unchanged : DifferenceStatus.Changed, value, other)
                : new MetadataDifference(key, DifferenceStatus.Removed, value, null));
        }
        foreach ((string key, string value) in b)
        {
            if (!a.ContainsKey(key))
            {
                differences.Add(new MetadataDifference(key, DifferenceStatus.Added, null, value));
            }
        }
        return differences;
    }
}
