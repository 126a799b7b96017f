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

/// <summary>A stored tensor that names a parameter but whose values were not loaded.</summary>
/// <param name="Tensor">The checkpoint's tensor name.</param>
/// <param name="Reason">Why its values were left out, for example a tied alias whose target another tensor filled with different values.</param>
public sealed record CheckpointSkip(string Tensor, string Reason)
{
    /// <summary>Formats as <c>tensor: reason</c>.</summary>
    public override string ToString() => $"{Tensor}: {Reason}";
}

/// <summary>
/// What loading a checkpoint into a store did: which parameters were filled, and every name that did not
/// line up — declared but missing, present but unexpected, present with the wrong shape or dtype, or stored but
/// skipped (its values not loaded).
/// </summary>
/// <remarks>
/// Every stored tensor lands in exactly one list. Three of them are harmless and leave the load complete:
/// <see cref="Loaded"/>, <see cref="Buffers"/> (not parameters at all), <see cref="Excluded"/> (the caller's
/// <see cref="CheckpointLoadOptions.MapName"/> chose to leave them out) and <see cref="TiedCopies"/> (a tied alias
/// stored with exactly its target's bytes). The others — missing, unexpected, mismatched and
/// <see cref="Skipped"/> — make the load incomplete, and a strict load throws on them.
/// </remarks>
public sealed class CheckpointLoadReport
{
    internal CheckpointLoadReport(string source, IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<CheckpointMismatch> mismatched, IReadOnlyList<CheckpointSkip> skipped, IReadOnlyList<string> buffers,
        IReadOnlyList<string> excluded, IReadOnlyList<string> tiedCopies)
    {
        Source = source;
        Loaded = loaded;
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
        Skipped = skipped;
        Buffers = buffers;
        Excluded = excluded;
        TiedCopies = tiedCopies;
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

    /// <summary>
    /// Stored tensors that name a parameter but whose values were not loaded, each with the reason: a tied alias
    /// (<c>lm_head.weight</c> of a model whose head reads <c>wte.weight</c>) stored with values that differ from
    /// the tensor that filled its target. Loading such a checkpoint would silently run other weights than the
    /// ones stored, so the load is incomplete and a strict load throws naming the tensor.
    /// </summary>
    public IReadOnlyList<CheckpointSkip> Skipped { get; }

    /// <summary>Stored tensors recognized as buffers, not parameters (GPT-2's causal masks <c>attn.bias</c>), ignored when <see cref="CheckpointLoadOptions.SkipBuffers"/> is set.</summary>
    public IReadOnlyList<string> Buffers { get; }

    /// <summary>Stored tensors the caller's <see cref="CheckpointLoadOptions.MapName"/> mapped to no parameter.</summary>
    public IReadOnlyList<string> Excluded { get; }

    /// <summary>Stored tied aliases (<c>lm_head.weight</c> beside <c>wte.weight</c>) whose bytes equal the tensor that filled their target: redundant copies.</summary>
    public IReadOnlyList<string> TiedCopies { get; }

    /// <summary>Whether every declared parameter was loaded and every stored tensor was loaded, a buffer, excluded by the caller or an identical tied copy.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0 && Skipped.Count == 0;

    /// <summary>The most names of each kind <see cref="ToString"/> lists; the lists themselves hold every one.</summary>
    public const int MaxListedPerKind = 100;

    /// <summary>
    /// A multi-line description: the counts, then the problems, at most <see cref="MaxListedPerKind"/> of each kind
    /// (a config declaring 100,000 layers beside a 2-layer checkpoint would otherwise make a 40-million-character message).
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder($"Loading '{Source}': {Loaded.Count} parameters loaded, {Missing.Count} missing, {Unexpected.Count} unexpected, {Mismatched.Count} mismatched, {Skipped.Count} skipped.");
        List("missing", Missing);
        List("unexpected", Unexpected);
        List("mismatched", Mismatched);
        List("skipped (stored, not loaded)", Skipped);
        if (Buffers.Count + Excluded.Count + TiedCopies.Count > 0)
        {
            text.Append($"\n  ignored: {Buffers.Count} buffers, {Excluded.Count} excluded by the name map, {TiedCopies.Count} identical tied copies");
        }
        return text.ToString();

        void List<T>(string label, IReadOnlyList<T> items)
        {
            foreach (T item in items.Take(MaxListedPerKind))
            {
                text.Append("\n  ").Append(label).Append(": ").Append(item);
            }
            if (items.Count > MaxListedPerKind)
            {
                text.Append($"\n  ... and {items.Count - MaxListedPerKind:N0} more {label} (the report's list holds them all)");
            }
        }
    }
}
