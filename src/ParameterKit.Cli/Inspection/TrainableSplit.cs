using ParameterKit.Counting;
using ParameterKit.Parameters;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// Which values an optimizer would update and which stay fixed, per kind, for a declared model and (with LoRA) its
/// adapters: what PEFT's <c>print_trainable_parameters()</c> answers, and the per-kind detail behind it. Counting
/// reads names and shapes only; nothing is allocated.
/// </summary>
/// <param name="ByKind">Trainable and frozen values of each kind, in <see cref="Kinds"/> order.</param>
/// <param name="Counts">The totals; <see cref="ParameterCounts.ToTrainableLine"/> formats PEFT's line.</param>
internal sealed record TrainableSplit(IReadOnlyList<(ParameterKind Kind, long Trainable, long Frozen)> ByKind, ParameterCounts Counts)
{
    /// <summary>The kinds in report order: the model's four, then LoRA's adapter matrices.</summary>
    public static IReadOnlyList<ParameterKind> Kinds { get; } = [.. ParameterBreakdown.Kinds, ParameterKind.Adapter];

    /// <summary>Splits the parameters of <paramref name="stores"/> (the model's, then the adapters') by kind and trainability.</summary>
    public static TrainableSplit From(params ParameterStore[] stores)
    {
        var trainable = Kinds.ToDictionary(k => k, _ => 0L);
        var frozen = Kinds.ToDictionary(k => k, _ => 0L);
        ParameterCounts counts = default;
        foreach (ParameterStore store in stores)
        {
            // Tied aliases are not in Parameters: a shared table counts once, as the totals do.
            foreach (Parameter p in store.Parameters)
            {
                var side = p.IsTrainable ? trainable : frozen;
                side[p.Kind] = checked(side[p.Kind] + p.ElementCount);
            }
            counts += store.Count();
        }
        return new TrainableSplit([.. Kinds.Select(k => (k, trainable[k], frozen[k]))], counts);
    }
}
