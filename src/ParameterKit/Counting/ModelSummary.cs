using ParameterKit.Adapters;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting;

/// <summary>
/// A torchinfo-style account of a model: one row per module down to a depth, the totals by kind, trainable
/// and frozen counts (in all and per kind), tied names and the memory the values take in each dtype. Render it with
/// <see cref="ToString"/> (a text table) or <see cref="ToJson"/> (for scripts). A LoRA-adapted model is summarized
/// with its adapters (<see cref="OfAdapted"/>): their rows sit under the layers they adapt.
/// </summary>
public sealed class ModelSummary
{
    private ModelSummary(IReadOnlyList<SummaryRow> rows, IReadOnlyList<ParameterStore> stores, int depth)
    {
        ParameterStore model = stores[0];
        Rows = rows;
        Totals = stores.Aggregate(default(ParameterCounts), (sum, store) => sum + store.Count());
        TrainableByKind = KindSplit.Of(stores);
        TiedNames = model.TiedNames;
        Depth = depth;
        IsMaterialized = model.IsMaterialized;
        WeightType = model.WeightType;
        Quantization = model.Quantization;
        HeldBytes = stores.Sum(store => store.HeldBytes);
        MappedBytes = stores.Sum(store => store.MappedBytes);
        HoldsGradients = stores.Any(store => store.HoldsGradients);
    }

    /// <summary>Whether <see cref="HeldBytes"/> includes gradients (allocated at a store's first training step).</summary>
    internal bool HoldsGradients { get; }

    /// <summary>Whether the store held values when summarized (else only declared, and the held sizes are 0).</summary>
    public bool IsMaterialized { get; }

    /// <summary>The type the store holds its matrices in: F32, or BF16/F16 for a model loaded for inference.</summary>
    public DType WeightType { get; }

    /// <summary>How the store's matrices were quantized: <see cref="WeightQuantization.Q8_0"/> (1.0625 bytes per value) or none.</summary>
    public WeightQuantization Quantization { get; }

    /// <summary>Bytes of parameter memory the store actually held (values, gradients, half-precision matrices).</summary>
    public long HeldBytes { get; }

    /// <summary>The part of <see cref="HeldBytes"/> read in place from a memory-mapped checkpoint.</summary>
    public long MappedBytes { get; }

    /// <summary>Module rows in declaration order, at most <see cref="Depth"/> segments deep.</summary>
    public IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>Counts of the whole model (tied parameters once).</summary>
    public ParameterCounts Totals { get; }

    /// <summary>
    /// Trainable and frozen values of each kind (Embedding, Weight, Bias, NormGain, Adapter, in that order): for
    /// GPT-2 with LoRA r = 8 on <c>c_attn</c>, 294,912 trainable adapter values and every other value frozen.
    /// </summary>
    public IReadOnlyList<KindSplit> TrainableByKind { get; }

    /// <summary>Aliases that share another parameter's values.</summary>
    public IReadOnlyList<TiedName> TiedNames { get; }

    /// <summary>The deepest path level shown.</summary>
    public int Depth { get; }

    /// <summary>The dtypes whose sizes the summary reports.</summary>
    public static IReadOnlyList<DType> ReportedDTypes { get; } = [DType.F32, DType.F16, DType.BF16, DType.I8, DType.F4];

    /// <summary>Summarizes <paramref name="store"/> down to <paramref name="depth"/> path segments.</summary>
    /// <param name="store">A declared store (materialized or not).</param>
    /// <param name="depth">Deepest path level to list (1 lists top-level modules only).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is negative.</exception>
    public static ModelSummary Of(ParameterStore store, int depth = 2)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        return Build([store], depth);
    }

    /// <summary>
    /// Summarizes a LoRA-adapted model: the base model's parameters (frozen) and the adapters' (trainable, of kind
    /// <see cref="ParameterKind.Adapter"/>), each adapter's rows under the layer it adapts.
    /// </summary>
    /// <param name="adapters">The adapters and, through <see cref="LoraAdapters.BaseStore"/>, the model they adapt.</param>
    /// <param name="depth">Deepest path level to list (1 lists top-level modules only).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is negative.</exception>
    public static ModelSummary OfAdapted(LoraAdapters adapters, int depth = 2)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        return Build([adapters.BaseStore, adapters.Store], depth);
    }

    private static ModelSummary Build(ParameterStore[] stores, int depth)
    {
        ParameterStore store = stores[0];
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var module in stores.SelectMany(s => s.Modules))
        {
            types.TryAdd(module.Path, module.TypeName); // the model's type wins over the adapter registered at its path
        }

        // Prefixes in first-seen order; each accumulates the counts of every parameter below it in one pass.
        var order = new List<string>();
        var counts = new Dictionary<string, ParameterCounts>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var parameter in stores.SelectMany(s => s.Parameters))
        {
            string name = parameter.Name;
            int level = 0;
            for (int dot = name.IndexOf('.', StringComparison.Ordinal); dot >= 0 && level < depth; dot = name.IndexOf('.', dot + 1))
            {
                level++;
                string prefix = name[..dot];
                if (!counts.TryGetValue(prefix, out var sum))
                {
                    order.Add(prefix);
                }
                counts[prefix] = sum.Add(parameter.Kind, parameter.ElementCount, parameter.IsTrainable);
            }
            string owner = name.LastIndexOf('.') is var last and >= 0 ? name[..last] : string.Empty;
            if (!shapes.TryGetValue(owner, out var list))
            {
                shapes[owner] = list = [];
            }
            list.Add(parameter.Shape.ToString());
        }
        // Modules that own only tied names (GPT-2's lm_head) still deserve their row.
        foreach (var tied in store.TiedNames)
        {
            string owner = tied.Name.LastIndexOf('.') is var last and >= 0 ? tied.Name[..last] : string.Empty;
            if (owner.Length > 0 && owner.Split('.').Length <= depth && !counts.ContainsKey(owner))
            {
                order.Add(owner);
                counts[owner] = default;
            }
        }

        var rows = new List<SummaryRow>(order.Count);
        foreach (string path in stores.Length == 1 ? order : TreeOrder(order))
        {
            int segments = 1 + path.AsSpan().Count('.');
            string own = shapes.TryGetValue(path, out var list) ? string.Join(", ", list) : string.Empty;
            rows.Add(new SummaryRow(path, types.GetValueOrDefault(path, string.Empty), segments, own, counts[path]));
        }
        return new ModelSummary(rows, stores, depth);
    }

    /// <summary>
    /// Puts each path right after its parent's earlier descendants: an adapter's <c>h.0.attn.c_attn.lora_A</c>, first
    /// seen after the whole model, lands under <c>h.0.attn.c_attn</c> rather than at the end.
    /// </summary>
    private static List<string> TreeOrder(List<string> order)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var roots = new List<string>();
        foreach (string path in order)
        {
            int last = path.LastIndexOf('.');
            string parent = last >= 0 ? path[..last] : string.Empty;
            if (parent.Length > 0 && children.TryGetValue(parent, out var siblings))
            {
                siblings.Add(path);
            }
            else
            {
                roots.Add(path);
            }
            children[path] = [];
        }
        var sorted = new List<string>(order.Count);
        void Visit(string path)
        {
            sorted.Add(path);
            foreach (string child in children[path])
            {
                Visit(child);
            }
        }
        roots.ForEach(Visit);
        return sorted;
    }

    /// <summary>The summary as an aligned text table with totals, kinds and sizes.</summary>
    public override string ToString() => SummaryTable.Render(this);

    /// <summary>The summary as compact JSON: totals, by-kind counts, bytes per dtype, tied names and rows.</summary>
    public string ToJson() => SummaryJson.Write(this);
}
