using System.Text;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>A checkpoint tensor that names a parameter but cannot fill it.</summary>
/// <param name="Parameter">The store's parameter name.</param>
/// <param name="Tensor">The checkpoint's tensor name.</param>
/// <param name="Expected">The parameter's shape.</param>
/// <param name="Actual">The tensor's shape and dtype as stored, for example <c>F32 [768, 2304]</c>.</param>
/// <param name="Reason">Why it cannot be loaded.</param>
public sealed record CheckpointMismatch(string Parameter, string Tensor, Shape Expected, string Actual, string Reason)
{
    /// <summary>Formats as <c>parameter (tensor): expected [..], got DTYPE [..]: reason</c>.</summary>
    public override string ToString() => $"{Parameter} (tensor '{Tensor}'): expected {Expected}, got {Actual}: {Reason}";
}

/// <summary>
/// What loading a checkpoint into a store did: which parameters were filled, and every name that did not
/// line up — declared but missing, present but unexpected, or present with the wrong shape or dtype.
/// </summary>
public sealed class CheckpointLoadReport
{
    internal CheckpointLoadReport(string source, IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<CheckpointMismatch> mismatched, IReadOnlyList<string> skipped)
    {
        Source = source;
        Loaded = loaded;
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
        Skipped = skipped;
    }

    /// <summary>The checkpoint path.</summary>
    public string Source { get; }

    /// <summary>Parameters (store names) whose values were loaded.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Declared parameters the checkpoint does not provide.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint tensors (checkpoint names) that match no declared parameter.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Tensors that name a parameter but have the wrong shape or an unconvertible dtype.</summary>
    public IReadOnlyList<CheckpointMismatch> Mismatched { get; }

    /// <summary>Checkpoint tensors deliberately not loaded: buffers, names mapped to null, tied aliases already filled.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Whether every declared parameter was loaded and every tensor was used or deliberately skipped.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>A multi-line description listing every problem.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"Loading '{Source}': {Loaded.Count} parameters loaded, {Missing.Count} missing, {Unexpected.Count} unexpected, {Mismatched.Count} mismatched.");
        foreach (string name in Missing)
        {
            text.Append("\n  missing: ").Append(name);
        }
        foreach (string name in Unexpected)
        {
            text.Append("\n  unexpected: ").Append(name);
        }
        foreach (CheckpointMismatch m in Mismatched)
        {
            text.Append("\n  mismatched: ").Append(m);
        }
        return text.ToString();
    }
}
