using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting.Architectures;

/// <summary>
/// A Llama-style decoder's parameters with Hugging Face's names: <c>model.embed_tokens</c>,
/// <c>model.layers.{i}</c> (<c>self_attn.{q,k,v,o}_proj</c>, <c>mlp.{gate,up,down}_proj</c>, two RMSNorm gains),
/// <c>model.norm</c> and <c>lm_head</c> (its own matrix unless tied).
/// </summary>
public sealed class LlamaLayout : Module
{
    /// <summary>Declares a Llama-layout model at <paramref name="scope"/>.</summary>
    /// <param name="scope">Where the model lives (the root for Hugging Face names).</param>
    /// <param name="config">The hyperparameters.</param>
    /// <exception cref="InvalidShapeException">The head counts do not divide the widths.</exception>
    public LlamaLayout(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Heads <= 0 || config.KeyValueHeads <= 0 || config.Heads % config.KeyValueHeads != 0)
        {
            throw new InvalidShapeException(scope.NameOf("model"), [config.Heads, config.KeyValueHeads], $"num_attention_heads {config.Heads} must be a positive multiple of num_key_value_heads {config.KeyValueHeads}");
        }
        Config = config;
        var model = Scope.Scope("model");
        TokenEmbedding = new EmbeddingLayer(model.Scope("embed_tokens"), config.VocabSize, config.Hidden);
        var layers = new LlamaDecoderLayout[config.Layers];
        var layerScope = model.Scope("layers");
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new LlamaDecoderLayout(layerScope.Scope(i), config);
        }
        Layers = layers;
        FinalNorm = new RmsNorm(model.Scope("norm"), config.Hidden, config.RmsNormEpsilon);
        Head = config.TieEmbeddings
            ? new Linear(Scope.Scope("lm_head"), TokenEmbedding.Table)
            : new Linear(Scope.Scope("lm_head"), config.Hidden, config.VocabSize, bias: false);
    }

    /// <summary>The hyperparameters.</summary>
    public LlamaConfig Config { get; }

    /// <summary><c>model.embed_tokens</c>: V x C.</summary>
    public EmbeddingLayer TokenEmbedding { get; }

    /// <summary><c>model.layers.{i}</c>.</summary>
    public IReadOnlyList<LlamaDecoderLayout> Layers { get; }

    /// <summary><c>model.norm</c>.</summary>
    public RmsNorm FinalNorm { get; }

    /// <summary><c>lm_head</c>: C → V.</summary>
    public Linear Head { get; }
}
