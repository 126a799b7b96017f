using ParameterKit.Cli.Sources;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// What <c>inspect</c> reports about a checkpoint, computed from headers: the shared
/// <see cref="ParameterBreakdown"/>, plus parameters and bytes per dtype, the buffers reported apart, the
/// inferred ties and the metadata. The tensors themselves are not collected: <see cref="Tensors"/> walks the headers
/// again each time it is read, so the report's size does not depend on how many tensors there are.
/// </summary>
internal sealed class InspectReport
{
    private readonly TensorKinds _kinds;

    private InspectReport(CheckpointHeaders headers, TensorKinds kinds)
    {
        Headers = headers;
        _kinds = kinds;
    }

    /// <summary>The headers the report was built from.</summary>
    public CheckpointHeaders Headers { get; }

    /// <summary>Total, by kind, by layer.</summary>
    public ParameterBreakdown Breakdown { get; private init; } = null!;

    /// <summary>Parameters and bytes per dtype (buffers excluded), largest first.</summary>
    public IReadOnlyList<DTypeRow> ByDType { get; private init; } = [];

    /// <summary>How many tensors are buffers (causal masks, rotary frequencies), not parameters.</summary>
    public int BufferCount { get; private init; }

    /// <summary>The values the buffers hold.</summary>
    public long BufferValues { get; private init; }

    /// <summary>Output heads not stored because they reuse the token embedding.</summary>
    public IReadOnlyList<(string Alias, string Target)> Tied { get; private init; } = [];

    /// <summary>
    /// Whether the kinds are the file's own record (<see cref="RecordedKinds"/>) rather than inferred from names.
    /// </summary>
    public bool KindsRecorded => _kinds.KindsRecorded;

    /// <summary>
    /// Every tensor in header order with its file and its kind (null for a buffer), read in place from the headers:
    /// nothing is kept or allocated per tensor, and each enumeration walks the headers anew.
    /// </summary>
    public IEnumerable<(SafeTensorEntry Tensor, CheckpointFile File, ParameterKind? Kind)> Tensors()
    {
        foreach ((SafeTensorEntry tensor, CheckpointFile file) in Headers.Tensors())
        {
            yield return (tensor, file, _kinds.Of(in tensor));
        }
    }

    /// <summary>
    /// Classifies every tensor, by the file's kind record when it has one (<see cref="RecordedKinds"/>) and with
    /// the library's Hugging Face naming rules otherwise, and sums what the report shows, in one pass.
    /// </summary>
    public static InspectReport Build(CheckpointHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var kinds = new TensorKinds(headers);
        var byKind = ParameterBreakdown.Kinds.ToDictionary(k => k, _ => 0L);
        var byDType = new Dictionary<DType, (long Parameters, long Bytes)>();
        var folding = new BlockFolding();
        var embeddingModules = new HashSet<string>(StringComparer.Ordinal);
        var embeddingLookup = embeddingModules.GetAlternateLookup<ReadOnlySpan<char>>();
        long total = 0, bufferValues = 0;
        int parameters = 0, buffers = 0;
        Span<ulong> dimensions = stackalloc ulong[SafeTensorsHeader.MaxRank];
        foreach ((SafeTensorEntry tensor, _) in headers.Tensors())
        {
            ParameterKind? kind = kinds.Of(in tensor);
            long elements = checked((long)tensor.ElementCount);
            if (kind is not { } k)
            {
                buffers++;
                bufferValues = checked(bufferValues + elements);
                continue;
            }
            parameters++;
            total = checked(total + elements);
            byKind[k] = checked(byKind[k] + elements);
            (long p, long b) = byDType.GetValueOrDefault(tensor.DType);
            byDType[tensor.DType] = (checked(p + elements), checked(b + (long)tensor.ByteLength));
            ReadOnlySpan<char> name = kinds.Name;
            folding.Add(name, System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.CopyDimensions(dimensions)), elements);
            if (k == ParameterKind.Embedding && embeddingModules.Count < BlockFolding.MaxGroups)
            {
                int dot = name.LastIndexOf('.');
                embeddingLookup.Add(dot > 0 ? name[..dot] : name);
            }
        }
        var breakdown = new ParameterBreakdown(total, byKind, InModelOrder(folding.Rows(), embeddingModules), parameters);
        return new InspectReport(headers, kinds)
        {
            Breakdown = breakdown,
            ByDType = [.. byDType.Select(d => new DTypeRow(d.Key, d.Value.Parameters, d.Value.Bytes)).OrderByDescending(r => r.Bytes)],
            BufferCount = buffers,
            BufferValues = bufferValues,
            Tied = TiedHeads.Infer(headers.Contains),
        };
    }

    /// <summary>
    /// Headers list tensors sorted by name (<c>h.0</c>, <c>ln_f</c>, <c>wpe</c>, <c>wte</c>), not in the order data
    /// flows. Embedding modules first, then the repeated blocks, then the rest reads like the model (and like
    /// <c>count</c>, which follows declaration order); the sort is stable, so ties keep header order.
    /// </summary>
    private static IReadOnlyList<LayerRow> InModelOrder(IReadOnlyList<LayerRow> rows, HashSet<string> embeddingModules) =>
        [.. rows.OrderBy(r => embeddingModules.Contains(r.Group) ? 0 : r.First is not null ? 1 : 2)];
}
