using System.Text;
using ParameterKit.Cli.Sources;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// Decides each tensor's kind (or that it is a buffer) from its entry, without a string per tensor: the name is
/// decoded into one reused character buffer, and the rules (the file's own record, GPT-2's buffer names when the
/// names are GPT-2's, the library's Hugging Face naming rules) read it there.
/// </summary>
/// <remarks>Not thread-safe: <see cref="Name"/> is the buffer the last <see cref="Of"/> filled.</remarks>
internal sealed class TensorKinds
{
    private readonly Dictionary<string, ParameterKind>.AlternateLookup<ReadOnlySpan<char>>? _recorded;
    private readonly IReadOnlyDictionary<string, ParameterKind>? _recordedOther;
    private readonly bool _gpt2;
    private char[] _name = new char[256];
    private int _nameLength;

    /// <summary>Reads the rules that apply to <paramref name="headers"/>.</summary>
    public TensorKinds(CheckpointHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // A file ParameterKit wrote records each tensor's kind; for any other, Hugging Face naming is the evidence.
        IReadOnlyDictionary<string, ParameterKind>? recorded = RecordedKinds.Read(headers.Metadata);
        KindsRecorded = recorded is not null;
        if (recorded is Dictionary<string, ParameterKind> map && map.TryGetAlternateLookup(out Dictionary<string, ParameterKind>.AlternateLookup<ReadOnlySpan<char>> lookup))
        {
            _recorded = lookup;
        }
        else
        {
            _recordedOther = recorded;
        }
        // Which names are buffers is a model's rule, not the format's: apply GPT-2's when the names are GPT-2's.
        // (Recognizing makes each name a short-lived string, and stops as soon as it has seen enough.)
        _gpt2 = Gpt2HubLayout.Recognizes(headers.Tensors().Select(t => Encoding.UTF8.GetString(t.Entry.NameUtf8)));
    }

    /// <summary>Whether the kinds are the file's own record (<see cref="RecordedKinds"/>) rather than inferred from names.</summary>
    public bool KindsRecorded { get; }

    /// <summary>The name of the tensor last classified, decoded.</summary>
    public ReadOnlySpan<char> Name => _name.AsSpan(0, _nameLength);

    /// <summary>The kind of <paramref name="entry"/>, or null for a buffer; its name is then in <see cref="Name"/>.</summary>
    public ParameterKind? Of(in SafeTensorEntry entry)
    {
        ReadOnlySpan<byte> utf8 = entry.NameUtf8;
        if (_name.Length < utf8.Length)
        {
            _name = new char[Math.Max(utf8.Length, 2 * _name.Length)];
        }
        // Names were validated as UTF-8 when the header was read, and never take more characters than bytes.
        _nameLength = Encoding.UTF8.GetChars(utf8, _name);
        ReadOnlySpan<char> name = Name;
        if (_recorded is { } recorded && recorded.TryGetValue(name, out ParameterKind kind))
        {
            return kind;
        }
        if (_recordedOther is not null && _recordedOther.TryGetValue(name.ToString(), out kind))
        {
            return kind;
        }
        return _gpt2 && Gpt2HubLayout.IsBuffer(name) ? null : CheckpointCounter.InferKind(name, entry.Rank);
    }
}
