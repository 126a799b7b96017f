using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>GPT-2 attention's parameters: the fused query/key/value projection <c>c_attn</c> (3C x C) and <c>c_proj</c> (C x C).</summary>
public sealed class Gpt2AttentionLayout : Module
{
    internal Gpt2AttentionLayout(ParameterScope scope, int channels)
        : base(scope)
    {
        QueryKeyValue = new Linear(Scope.Scope("c_attn"), channels, 3 * channels);
        Projection = new Linear(Scope.Scope("c_proj"), channels, channels);
    }

    /// <summary><c>c_attn</c>: C → 3C (queries, keys and values at once).</summary>
    public Linear QueryKeyValue { get; }

    /// <summary><c>c_proj</c>: C → C.</summary>
    public Linear Projection { get; }
}
