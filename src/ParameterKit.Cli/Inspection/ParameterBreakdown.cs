using ParameterKit.Parameters;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// The part of the answer that <c>inspect</c> (from a checkpoint) and <c>count</c> (from a config) share: the
/// total, the split by kind and the folded layer rows. Both commands build it the same way, which is what lets a
/// test demand that they agree.
/// </summary>
/// <param name="Total">Parameter values, buffers excluded, tied parameters once.</param>
/// <param name="ByKind">Values per kind; every kind present.</param>
/// <param name="Layers">The by-layer rows, repeated blocks folded.</param>
/// <param name="Tensors">How many parameter tensors.</param>
internal sealed record ParameterBreakdown(long Total, IReadOnlyDictionary<ParameterKind, long> ByKind, IReadOnlyList<LayerRow> Layers, int Tensors)
{
    /// <summary>The kinds in report order; <see cref="ParameterKind.Adapter"/> last, shown only when present (<see cref="ShownKinds"/>).</summary>
    public static IReadOnlyList<ParameterKind> Kinds { get; } =
        [ParameterKind.Embedding, ParameterKind.Weight, ParameterKind.Bias, ParameterKind.NormGain, ParameterKind.Adapter];

    /// <summary>
    /// The kinds a report lists: the four of every model, and adapters when there are any (a PEFT adapter file's
    /// <c>lora_A</c> / <c>lora_B</c>), so every other report reads as it always has.
    /// </summary>
    public IEnumerable<ParameterKind> ShownKinds => Kinds.Where(k => k != ParameterKind.Adapter || ByKind[k] > 0);

    /// <summary>Builds the breakdown from named, kinded, shaped parameters.</summary>
    public static ParameterBreakdown From(IReadOnlyCollection<(string Name, ParameterKind Kind, string Shape, long Elements)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var byKind = Kinds.ToDictionary(k => k, _ => 0L);
        long total = 0;
        foreach (var p in parameters)
        {
            byKind[p.Kind] = checked(byKind[p.Kind] + p.Elements);
            total = checked(total + p.Elements);
        }
        IReadOnlyList<LayerRow> layers = BlockFolding.Fold(parameters.Select(p => (p.Name, p.Shape, p.Elements)));
        return new ParameterBreakdown(total, byKind, layers, parameters.Count);
    }

    /// <summary>Builds the breakdown from a declared store; tied aliases are not parameters and are skipped.</summary>
    public static ParameterBreakdown From(ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return From([.. store.Parameters.Select(p => (p.Name, p.Kind, p.Shape.ToString(), p.ElementCount))]);
    }

    /// <summary>The kind's name in JSON and tables: <c>embedding</c>, <c>weight</c>, <c>bias</c>, <c>norm_gain</c>, <c>adapter</c>.</summary>
    public static string KindName(ParameterKind kind) => kind switch
    {
        ParameterKind.Embedding => "embedding",
        ParameterKind.Weight => "weight",
        ParameterKind.Bias => "bias",
        ParameterKind.NormGain => "norm_gain",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
