using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Parameters;

namespace ParameterKit.Cli.Inspection;

/// <summary>One tensor of a GGUF file as <c>inspect</c> lists it.</summary>
/// <param name="Tensor">The tensor as the reader validated it.</param>
/// <param name="Parameter">The parameter it fills in ParameterKit's declaration, or null (an architecture or name ParameterKit does not load).</param>
/// <param name="Kind">Its kind, or null for a buffer.</param>
/// <param name="TiedCopy">Whether it is a stored copy of the token embedding that a tied head reuses (not counted again).</param>
internal sealed record GgufTensorRow(GgufTensorInfo Tensor, string? Parameter, ParameterKind? Kind, bool TiedCopy)
{
    /// <summary>The PyTorch-order shape as <c>[d0, d1]</c>, the way safetensors shapes are shown.</summary>
    public string ShapeText => "[" + string.Join(", ", Tensor.Shape) + "]";
}

/// <summary>Parameters stored in one GGUF tensor type, the bytes they take and the exact bytes per parameter of the type.</summary>
/// <param name="Type">The storage type.</param>
/// <param name="Parameters">Values stored in it.</param>
/// <param name="Bytes">Their size in the file.</param>
internal sealed record GgufTypeRow(GgufTensorType Type, long Parameters, long Bytes)
{
    /// <summary>The type's name as llama.cpp prints it (<c>Q8_0</c>).</summary>
    public string Name => GgufTensorTypes.Name(Type);

    /// <summary>Block bytes over block values: F32 4, F16 and BF16 2, Q8_0 1.0625, Q4_0 0.5625.</summary>
    public double BytesPerParameter => GgufTensorTypes.BytesPerParameter(Type);
}

/// <summary>
/// What <c>inspect</c>, <c>count</c> and <c>cost</c> report about a GGUF file, from its validated header (and, for
/// GPT-2's tied head, one comparison of two tensors' bytes): the shared <see cref="ParameterBreakdown"/> over the names
/// the model declares, parameters and bytes per tensor type, the tied head and the buffers.
/// </summary>
internal sealed class GgufReport
{
    private GgufReport(GgufFile file, string source)
    {
        File = file;
        Source = source;
    }

    /// <summary>The open file (the caller disposes it).</summary>
    public GgufFile File { get; }

    /// <summary>What the user named.</summary>
    public string Source { get; }

    /// <summary><c>general.architecture</c>, or null when the file has none (or not a string).</summary>
    public string? Architecture { get; private init; }

    /// <summary>Whether the names map to a model ParameterKit declares (gpt2, llama, qwen2).</summary>
    public bool ArchitectureLoaded { get; private init; }

    /// <summary>The file's length.</summary>
    public long FileLength { get; private init; }

    /// <summary>Every tensor in file order.</summary>
    public IReadOnlyList<GgufTensorRow> Tensors { get; private init; } = [];

    /// <summary>Total, by kind, by layer: over parameters, tied copies and buffers excluded.</summary>
    public ParameterBreakdown Breakdown { get; private init; } = null!;

    /// <summary>Parameters and bytes per type, largest first (parameters only).</summary>
    public IReadOnlyList<GgufTypeRow> ByType { get; private init; } = [];

    /// <summary>Heads that reuse the token embedding: (the head's tensor or parameter, the embedding tensor, whether a copy is stored).</summary>
    public IReadOnlyList<(string Alias, string Target, bool Stored)> Tied { get; private init; } = [];

    /// <summary>Bytes the parameters take in the file (tied copies and buffers excluded).</summary>
    public long ParameterBytes => ByType.Sum(r => r.Bytes);

    /// <summary>Bytes of the stored copy of the token embedding a tied head reuses (GPT-2's <c>output.weight</c>), or 0:
    /// not a parameter of its own, yet held in the file beside <see cref="ParameterBytes"/>.</summary>
    public long TiedCopyBytes { get; private init; }

    /// <summary>Classifies every tensor and adds up what the report shows.</summary>
    public static GgufReport Build(GgufFile file, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        GgufMetadata m = file.Metadata;
        string? architecture = m.ContainsKey("general.architecture") && m.GetValue("general.architecture") is string a ? a : null;
        bool loaded = architecture is not null && GgufArchitectures.IsSupported(architecture);
        string? tiedCopy = TiedCopy(file, architecture);
        var rows = new List<GgufTensorRow>(file.Tensors.Count);
        var parameters = new List<(string Name, ParameterKind Kind, string Shape, long Elements)>();
        var byType = new Dictionary<GgufTensorType, (long Parameters, long Bytes)>();
        foreach (GgufTensorInfo tensor in file.Tensors)
        {
            (string? parameter, ParameterKind? kind) = GgufKinds.Of(architecture, tensor);
            var row = new GgufTensorRow(tensor, parameter, kind, tensor.Name == tiedCopy);
            rows.Add(row);
            if (kind is not { } k || row.TiedCopy)
            {
                continue;
            }
            long elements = checked((long)tensor.ElementCount);
            parameters.Add((parameter ?? tensor.Name, k, row.ShapeText, elements));
            (long p, long b) = byType.GetValueOrDefault(tensor.Type);
            byType[tensor.Type] = (checked(p + elements), checked(b + (long)tensor.ByteLength));
        }
        List<(string, string, bool)> tied = [];
        if (tiedCopy is not null)
        {
            tied.Add((tiedCopy, "token_embd.weight", true));
        }
        else if (loaded && architecture != "gpt2" && !file.Header.TryGetTensor("output.weight", out _) && file.Header.TryGetTensor("token_embd.weight", out _))
        {
            // The Llama layout's rule (LlamaGgufLayout.ReadConfig): no output.weight means the head reads the embedding.
            tied.Add(("lm_head.weight", "token_embd.weight", false));
        }
        return new GgufReport(file, source)
        {
            Architecture = architecture,
            ArchitectureLoaded = loaded,
            FileLength = new FileInfo(file.FilePath).Length,
            Tensors = rows,
            Breakdown = ParameterBreakdown.From(parameters),
            ByType = [.. byType.Select(t => new GgufTypeRow(t.Key, t.Value.Parameters, t.Value.Bytes)).OrderByDescending(r => r.Bytes)],
            Tied = tied,
            TiedCopyBytes = rows.Where(r => r.TiedCopy).Sum(r => checked((long)r.Tensor.ByteLength)),
        };
    }

    /// <summary>
    /// GPT-2's converter always writes <c>output.weight</c>, a copy of <c>token_embd.weight</c> when the model is tied
    /// (Gpt2GgufLayout's rule): that copy is the same parameter stored twice, so it is counted once. Two spans of a
    /// memory map are compared; a tensor beyond one span's reach is not compared and counts as untied.
    /// </summary>
    private static string? TiedCopy(GgufFile file, string? architecture)
    {
        if (architecture != "gpt2" || !file.Header.TryGetTensor("output.weight", out GgufTensorInfo? output)
            || !file.Header.TryGetTensor("token_embd.weight", out GgufTensorInfo? embeddings))
        {
            return null;
        }
        return file.HasSameData(output, embeddings) ? output.Name : null;
    }
}
