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
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, KvCache? cache, int layer, RotaryEmbedding rope, LlamaBuffers buffers)
    {
        int c = Output.OutChannels, rows = batch * tokens, qw = Heads * HeadDim, kvw = KeyValueHeads * HeadDim;
        int start = cache?.Length ?? 0, keys = start + tokens, group = Heads / KeyValueHeads;
        Span<float> q = buffers.Query.AsSpan(0, rows * qw), k = buffers.Key.AsSpan(0, rows * kvw), v = buffers.Value.AsSpan(0, rows * kvw);
        Span<float> attended = buffers.Attended.AsSpan(0, rows * qw);
        Query.Forward(input, q, c);
        Key.Forward(input, k, c);
        Value.Forward(input, v, c);
        ReadOnlySpan<float> cos = buffers.Cos.AsSpan(0, tokens * HeadDim / 2), sin = buffers.Sin.AsSpan(0, tokens * HeadDim / 2);
        rope.Apply(q, rows, Heads, cos, sin, tokens);
        rope.Apply(k, rows, KeyValueHeads, cos, sin, tokens);
        Span<float> scores = buffers.Scores.AsSpan(0, tokens * keys);
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
                int g = h / group;
                CausalAttentionKernel.Forward(sequenceQueries[(h * HeadDim)..], qw, sequenceKeys[(g * HeadDim)..], kvw, sequenceValues[(g * HeadDim)..], kvw,
                    sequenceOutput[(h * HeadDim)..], qw, tokens, start, 1, HeadDim, scores);
            }
        }
        Output.Forward(attended, output, qw, accumulate: true);
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
