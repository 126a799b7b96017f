using ParameterKit.Cli.Sources;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// What <c>inspect</c> reports about a checkpoint, computed from headers: the shared
/// <see cref="ParameterBreakdown"/>, plus parameters and bytes per dtype, the buffers reported apart, the
/// inferred ties, the metadata and every tensor with its kind.
/// </summary>
internal sealed class InspectReport
{
    private InspectReport(CheckpointHeaders headers, ParameterBreakdown breakdown, IReadOnlyList<DTypeRow> byDType,
        IReadOnlyList<(SafeTensorInfo Tensor, ParameterKind? Kind)> tensors, IReadOnlyList<(string Alias, string Target)> tied)
    {
        Headers = headers;
        Breakdown = breakdown;
        ByDType = byDType;
        Tensors = tensors;
        Tied = tied;
    }

    /// <summary>The headers the report was built from.</summary>
    public CheckpointHeaders Headers { get; }

    /// <summary>Total, by kind, by layer.</summary>
    public ParameterBreakdown Breakdown { get; }

    /// <summary>Parameters and bytes per dtype (buffers excluded), largest first.</summary>
    public IReadOnlyList<DTypeRow> ByDType { get; }

    /// <summary>Every tensor in header order, with its kind, or null for a buffer.</summary>
    public IReadOnlyList<(SafeTensorInfo Tensor, ParameterKind? Kind)> Tensors { get; }

    /// <summary>Tensors that are buffers (causal masks, rotary frequencies), not parameters.</summary>
    public IEnumerable<SafeTensorInfo> Buffers => Tensors.Where(t => t.Kind is null).Select(t => t.Tensor);

    /// <summary>Output heads not stored because they reuse the token embedding.</summary>
    public IReadOnlyList<(string Alias, string Target)> Tied { get; }

    /// <summary>
    /// Whether the kinds are the file's own record (<see cref="RecordedKinds"/>) rather than inferred from names.
    /// </summary>
    public bool KindsRecorded { get; private init; }

    /// <summary>
    /// Classifies every tensor, by the file's kind record when it has one (<see cref="RecordedKinds"/>) and with
    /// the library's Hugging Face naming rules otherwise, and builds the report.
    /// </summary>
    public static InspectReport Build(CheckpointHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // A file ParameterKit wrote records each tensor's kind; for any other, Hugging Face naming is the evidence.
        IReadOnlyDictionary<string, ParameterKind>? recorded = RecordedKinds.Read(headers.Metadata);
        // Which names are buffers is a model's rule, not the format's: apply GPT-2's when the names are GPT-2's.
        Func<string, bool>? isBuffer = Gpt2HubLayout.Recognizes(headers.Tensors.Select(t => t.Name)) ? Gpt2HubLayout.IsBuffer : null;
        List<(SafeTensorInfo Tensor, ParameterKind? Kind)> tensors =
            [.. headers.Tensors.Select(t => (t, CheckpointCounter.KindOf(t, recorded, isBuffer)))];
        var parameters = tensors.Where(t => t.Kind is not null).ToList();
        var byDType = parameters
            .GroupBy(p => p.Tensor.DType)
            .Select(g => new DTypeRow(g.Key, g.Sum(p => checked((long)p.Tensor.ElementCount)), g.Sum(p => checked((long)p.Tensor.ByteLength))))
            .OrderByDescending(r => r.Bytes)
            .ToList();
        var breakdown = ParameterBreakdown.From(
            [.. parameters.Select(p => (p.Tensor.Name, p.Kind!.Value, p.Tensor.FormatDimensions(), checked((long)p.Tensor.ElementCount)))]);
        breakdown = breakdown with { Layers = InModelOrder(breakdown.Layers, parameters) };
        return new InspectReport(headers, breakdown, byDType, tensors, TiedHeads.Infer(tensors)) { KindsRecorded = recorded is not null };
    }

    /// <summary>
    /// Headers list tensors sorted by name (<c>h.0</c>, <c>ln_f</c>, <c>wpe</c>, <c>wte</c>), not in the order data
    /// flows. Embedding modules first, then the repeated blocks, then the rest reads like the model (and like
    /// <c>count</c>, which follows declaration order); the sort is stable, so ties keep header order.
    /// </summary>
    private static IReadOnlyList<LayerRow> InModelOrder(IReadOnlyList<LayerRow> rows, List<(SafeTensorInfo Tensor, ParameterKind? Kind)> parameters)
    {
        var embeddingModules = parameters
            .Where(p => p.Kind == ParameterKind.Embedding)
            .Select(p => p.Tensor.Name.LastIndexOf('.') is var dot and > 0 ? p.Tensor.Name[..dot] : p.Tensor.Name)
            .ToHashSet(StringComparer.Ordinal);
        return [.. rows.OrderBy(r => embeddingModules.Contains(r.Group) ? 0 : r.First is not null ? 1 : 2)];
    }
}
