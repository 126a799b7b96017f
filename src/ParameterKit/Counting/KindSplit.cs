using ParameterKit.Parameters;

namespace ParameterKit.Counting;

/// <summary>
/// How many values of one kind an optimizer updates and how many stay fixed: the per-kind detail behind PEFT's
/// <c>print_trainable_parameters()</c> line (a LoRA-adapted GPT-2 trains its <see cref="ParameterKind.Adapter"/>
/// values and freezes every weight, bias, gain and table).
/// </summary>
/// <param name="Kind">The kind.</param>
/// <param name="Trainable">Values of that kind the optimizer updates.</param>
/// <param name="Frozen">Values of that kind that are counted and saved but not updated.</param>
public readonly record struct KindSplit(ParameterKind Kind, long Trainable, long Frozen)
{
    /// <summary>Every value of the kind.</summary>
    public long Total => Trainable + Frozen;

    /// <summary>The kinds in report order: the model's four, then LoRA's adapter matrices.</summary>
    internal static ParameterKind[] ReportOrder { get; } =
        [ParameterKind.Embedding, ParameterKind.Weight, ParameterKind.Bias, ParameterKind.NormGain, ParameterKind.Adapter];

    /// <summary>Splits the parameters of <paramref name="stores"/> by kind and trainability (tied aliases once, as the totals).</summary>
    internal static KindSplit[] Of(IReadOnlyList<ParameterStore> stores)
    {
        var trainable = new long[ReportOrder.Length];
        var frozen = new long[ReportOrder.Length];
        foreach (ParameterStore store in stores)
        {
            foreach (Parameter p in store.Parameters)
            {
                int k = Array.IndexOf(ReportOrder, p.Kind);
                long[] side = p.IsTrainable ? trainable : frozen;
                side[k] = checked(side[k] + p.ElementCount);
            }
        }
        var splits = new KindSplit[ReportOrder.Length];
        for (int k = 0; k < splits.Length; k++)
        {
            splits[k] = new KindSplit(ReportOrder[k], trainable[k], frozen[k]);
        }
        return splits;
    }
}
