using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Transformers;

namespace ParameterKit.Models.Llama;

/// <summary>
/// Llama's causal self-attention with grouped queries: <c>q_proj</c> (H·hd x C), <c>k_proj</c> and <c>v_proj</c>
/// (KV·hd x C), rotary positions on queries and keys, and <c>o_proj</c> (C x H·hd) mixing the heads back.
/// </summary>
/// <remarks>
/// Query head h reads key/value head <c>h / (H / KV)</c>: with KV = H this is multi-head attention, with KV = 1
/// multi-query attention. Per head <c>O_h = softmax(Q_h·K_gᵀ / √hd + mask)·V_g</c> with the causal mask, computed by the
/// library's one causal attention kernel, one query head at a time against its group's keys and values where they lie
/// (the projection rows or the <see cref="KvCache"/>), so grouped keys are never copied per head. The output is added to
/// the caller's residual stream by <c>o_proj</c>'s accumulating forward.
/// </remarks>
public sealed class LlamaAttention : Module
{
    /// <summary>Declares <c>{path}.q_proj</c>, <c>k_proj</c>, <c>v_proj</c> and <c>o_proj</c>.</summary>
    /// <param name="scope">Where the module lives (<c>model.layers.0.self_attn</c>).</param>
    /// <param name="config">The hyperparameters (C, H, KV, hd, which biases).</param>
    public LlamaAttention(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        Heads = config.Heads;
        KeyValueHeads = config.KeyValueHeads;
        HeadDim = config.ResolvedHeadDim;
        int c = config.Hidden, q = Heads * HeadDim, kv = KeyValueHeads * HeadDim;
        Query = new Linear(Scope.Scope("q_proj"), c, q, config.QueryKeyValueBias);
        Key = new Linear(Scope.Scope("k_proj"), c, kv, config.QueryKeyValueBias);
        Value = new Linear(Scope.Scope("v_proj"), c, kv, config.QueryKeyValueBias);
        Output = new Linear(Scope.Scope("o_proj"), q, c, config.OutputBias);
    }

    /// <summary><c>q_proj</c>: C → H·hd.</summary>
    public Linear Query { get; }

    /// <summary><c>k_proj</c>: C → KV·hd.</summary>
    public Linear Key { get; }

    /// <summary><c>v_proj</c>: C → KV·hd.</summary>
    public Linear Value { get; }

    /// <summary><c>o_proj</c>: H·hd → C.</summary>
    public Linear Output { get; }

    /// <summary>H: query heads.</summary>
    public int Heads { get; }

    /// <summary>KV: key/value heads (H / KV query heads share each).</summary>
    public int KeyValueHeads { get; }

    /// <summary>hd: width of one head.</summary>
    public int HeadDim { get; }

    /// <summary>
    /// Adds the attention of <paramref name="batch"/> sequences of <paramref name="tokens"/> tokens (rows = B·T of
    /// <paramref name="input"/>) to <paramref name="output"/>. Without a cache each sequence attends to itself (positions
    /// 0..T−1); with one (B = 1) the new tokens take positions cache.Length onward, their keys and values are appended to
    /// layer <paramref name="layer"/> of the cache, and they attend to everything cached.
    /// </summary>
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, KvCache? cache, int layer,
        RotaryEmbedding rope, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, LlamaActivations saved)
    {
        int c = Output.OutChannels, rows = batch * tokens, qw = Heads * HeadDim, kvw = KeyValueHeads * HeadDim;
        int start = cache?.Length ?? 0, keys = start + tokens, group = Heads / KeyValueHeads;
        Span<float> q = saved.Query.AsSpan(0, rows * qw), k = saved.Key.AsSpan(0, rows * kvw), v = saved.Value.AsSpan(0, rows * kvw);
        Span<float> attended = saved.Attended.AsSpan(0, rows * qw);
        Query.Forward(input, q, c);
        Key.Forward(input, k, c);
        Value.Forward(input, v, c);
        rope.Apply(q, rows, Heads, cos, sin, tokens);
        rope.Apply(k, rows, KeyValueHeads, cos, sin, tokens);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> sequenceKeys = k.Slice(b * tokens * kvw, tokens * kvw), sequenceValues = v.Slice(b * tokens * kvw, tokens * kvw);
            if (cache is not null)
            {
                // Rotated keys go into the cache: a cached key never needs its position again.
                sequenceKeys.CopyTo(cache.Keys(layer).Slice(start * kvw, tokens * kvw));
                sequenceValues.CopyTo(cache.Values(layer).Slice(start * kvw, tokens * kvw));
                sequenceKeys = cache.Keys(layer)[..(keys * kvw)];
                sequenceValues = cache.Values(layer)[..(keys * kvw)];
            }
            ReadOnlySpan<float> sequenceQueries = q.Slice(b * tokens * qw, tokens * qw);
            Span<float> sequenceOutput = attended.Slice(b * tokens * qw, tokens * qw);
            for (int h = 0; h < Heads; h++)
            {
                // Training keeps every head's probabilities for the backward pass; inference reuses one head's room.
                Span<float> probabilities = saved.Training
                    ? saved.Probabilities.AsSpan((b * Heads + h) * tokens * keys, tokens * keys)
                    : saved.Probabilities.AsSpan(0, tokens * keys);
                int g = h / group;
                CausalAttentionKernel.Forward(sequenceQueries[(h * HeadDim)..], qw, sequenceKeys[(g * HeadDim)..], kvw, sequenceValues[(g * HeadDim)..], kvw,
                    sequenceOutput[(h * HeadDim)..], qw, tokens, start, 1, HeadDim, probabilities);
            }
        }
        Output.Forward(attended, output, qw, accumulate: true);
    }

    /// <summary>
    /// Back-propagates a training <see cref="Forward"/> (no cache): accumulates the projections' gradients and writes
    /// dLoss/dInput. A key/value head's gradient is the sum over the query heads of its group, and the rotation's gradient
    /// is the inverse rotation.
    /// </summary>
    internal void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int tokens,
        RotaryEmbedding rope, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, LlamaActivations saved, LlamaGradients scratch)
    {
        int c = Output.OutChannels, rows = batch * tokens, qw = Heads * HeadDim, kvw = KeyValueHeads * HeadDim, group = Heads / KeyValueHeads, hd = HeadDim;
        Span<float> dAttended = scratch.Attended.AsSpan(0, rows * qw), dq = scratch.Query.AsSpan(0, rows * qw);
        Span<float> dk = scratch.Key.AsSpan(0, rows * kvw), dv = scratch.Value.AsSpan(0, rows * kvw), term = scratch.Term.AsSpan(0, rows * c);
        Span<float> headQuery = scratch.HeadQuery.AsSpan(0, tokens * hd), headKey = scratch.HeadKey.AsSpan(0, tokens * hd), headValue = scratch.HeadValue.AsSpan(0, tokens * hd);
        Output.Backward(saved.Attended.AsSpan(0, rows * qw), outputGradient, dAttended, qw);
        dk.Clear();
        dv.Clear();
        ReadOnlySpan<float> q = saved.Query.AsSpan(0, rows * qw), k = saved.Key.AsSpan(0, rows * kvw), v = saved.Value.AsSpan(0, rows * kvw);
        for (int b = 0; b < batch; b++)
        {
            int qBase = b * tokens * qw, kvBase = b * tokens * kvw;
            for (int h = 0; h < Heads; h++)
            {
                int g = h / group;
                CausalAttentionKernel.Backward(q[(qBase + h * hd)..], qw, k[(kvBase + g * hd)..], kvw, v[(kvBase + g * hd)..], kvw,
                    saved.Probabilities.AsSpan((b * Heads + h) * tokens * tokens, tokens * tokens), dAttended[(qBase + h * hd)..], qw,
                    headQuery, headKey, headValue, hd, tokens, 1, hd, scratch.Scores);
                for (int t = 0; t < tokens; t++)
                {
                    headQuery.Slice(t * hd, hd).CopyTo(dq.Slice(qBase + t * qw + h * hd, hd));
                    Span<float> keyRow = dk.Slice(kvBase + t * kvw + g * hd, hd), valueRow = dv.Slice(kvBase + t * kvw + g * hd, hd);
                    System.Numerics.Tensors.TensorPrimitives.Add(keyRow, headKey.Slice(t * hd, hd), keyRow);
                    System.Numerics.Tensors.TensorPrimitives.Add(valueRow, headValue.Slice(t * hd, hd), valueRow);
                }
            }
        }
        rope.Apply(dq, rows, Heads, cos, sin, tokens, inverse: true);
        rope.Apply(dk, rows, KeyValueHeads, cos, sin, tokens, inverse: true);
        Query.Backward(input, dq, inputGradient, c);
        Key.Backward(input, dk, term, c);
        System.Numerics.Tensors.TensorPrimitives.Add(inputGradient, term, inputGradient);
        Value.Backward(input, dv, term, c);
        System.Numerics.Tensors.TensorPrimitives.Add(inputGradient, term, inputGradient);
    }

    internal void CheckCache(KvCache cache, int layers, string path)
    {
        int kvw = KeyValueHeads * HeadDim;
        if (cache.Layers != layers || cache.Channels != kvw)
        {
            throw new ShapeMismatchException(path, new Shape(layers, kvw), new Shape(cache.Layers, cache.Channels),
                $"the cache holds {cache.Layers} layers of {cache.Channels} key channels; this model has {layers} layers of KV·hd = {kvw}");
        }
    }
}
