using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>One pre-LayerNorm GPT-2 block: <c>ln_1</c>, <c>attn</c> (c_attn, c_proj), <c>ln_2</c>, <c>mlp</c> (c_fc, c_proj).</summary>
public sealed class Gpt2BlockLayout : Module
{
    internal Gpt2BlockLayout(ParameterScope scope, Gpt2Config config)
        : base(scope)
    {
        int c = config.Channels;
        Norm1 = new LayerNorm(Scope.Scope("ln_1"), c, config.LayerNormEpsilon);
        Attention = new Gpt2AttentionLayout(Scope.Scope("attn"), c);
        Norm2 = new LayerNorm(Scope.Scope("ln_2"), c, config.LayerNormEpsilon);
        Mlp = new Gpt2MlpLayout(Scope.Scope("mlp"), c);
    }

    /// <summary><c>ln_1</c>, before attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary><c>attn</c>.</summary>
    public Gpt2AttentionLayout Attention { get; }

    /// <summary><c>ln_2</c>, before the MLP.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary><c>mlp</c>.</summary>
    public Gpt2MlpLayout Mlp { get; }
}
