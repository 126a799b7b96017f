using ParameterKit.Cli.Sources;
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

    /// <summary>Classifies every tensor with the library's Hugging Face naming rules and builds the report.</summary>
    public static InspectReport Build(CheckpointHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var tensors = headers.Tensors.Select(t => (t, CheckpointCounter.InferKind(t.Name, t.Rank))).ToList();
        var parameters = tensors
            .Where(t => t.Item2 is not null)
            .Select(t => (t.t.Name, t.Item2!.Value, t.t.FormatDimensions(), checked((long)t.t.ElementCount)))
            .ToList();
        var byDType = tensors
            .Where(t => t.Item2 is not null)
            .GroupBy(t => t.t.DType)
            .Select(g => new DTypeRow(g.Key, g.Sum(t => checked((long)t.t.ElementCount)), g.Sum(t => checked((long)t.t.ByteLength))))
            .OrderByDescending(r => r.Bytes)
            .ToList();
        return new InspectReport(headers, ParameterBreakdown.From(parameters), byDType, tensors, TiedHeads.Infer(tensors));
    }
}

/// <summary>Parameters stored in one dtype and the bytes they take.</summary>
/// <param name="DType">The element type.</param>
/// <param name="Parameters">Values stored in it.</param>
/// <param name="Bytes">Their size on disk.</param>
internal sealed record DTypeRow(DType DType, long Parameters, long Bytes);
