using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Counting.Architectures;

/// <summary>
/// GPT-2's parameters, module by module, as the Hugging Face checkpoint names them:
/// <c>wte</c> (V x C), <c>wpe</c> (positions x C), blocks <c>h.{i}</c>, final <c>ln_f</c>, and <c>lm_head</c> tied to <c>wte</c>.
/// </summary>
/// <remarks>
/// The projections are declared OC x C as every <see cref="Linear"/> is; Hugging Face stores GPT-2's (Conv1D)
/// weights transposed, C x OC, which the checkpoint loader transposes. The counts are the same.
/// </remarks>
public sealed class Gpt2Layout : Module
{
    /// <summary>Declares a GPT-2-layout model at <paramref name="scope"/>.</summary>
    /// <param name="scope">Where the model lives (the root for Hugging Face names).</param>
    /// <param name="config">The hyperparameters.</param>
    /// <exception cref="InvalidShapeException">C is not divisible by the head count.</exception>
    public Gpt2Layout(ParameterScope scope, Gpt2Config config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Heads <= 0 || config.Channels % config.Heads != 0)
        {
            throw new InvalidShapeException(scope.NameOf("h"), [config.Channels, config.Heads], $"n_embd {config.Channels} must be a positive multiple of n_head {config.Heads}");
        }
        Config = config;
        TokenEmbedding = new EmbeddingLayer(Scope.Scope("wte"), config.VocabSize, config.Channels);
        PositionEmbedding = new EmbeddingLayer(Scope.Scope("wpe"), config.Positions, config.Channels);
        var blocks = new Gpt2BlockLayout[config.Layers];
        var h = Scope.Scope("h");
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new Gpt2BlockLayout(h.Scope(i), config);
        }
        Blocks = blocks;
        FinalNorm = new LayerNorm(Scope.Scope("ln_f"), config.Channels, config.LayerNormEpsilon);
        // Tied (OpenAI's checkpoints): lm_head.weight is an alias of wte.weight, counted once. Untied: a V x C head of its own.
        Head = config.TieWordEmbeddings
            ? new Linear(Scope.Scope("lm_head"), TokenEmbedding.Table)
            : new Linear(Scope.Scope("lm_head"), config.Channels, config.VocabSize, bias: false);
    }

    /// <summary>The hyperparameters.</summary>
    public Gpt2Config Config { get; }

    /// <summary><c>wte</c>: token embeddings, V x C.</summary>
    public EmbeddingLayer TokenEmbedding { get; }

    /// <summary><c>wpe</c>: learned position embeddings, positions x C.</summary>
    public EmbeddingLayer PositionEmbedding { get; }

    /// <summary><c>h.0</c> ... <c>h.{n-1}</c>.</summary>
    public IReadOnlyList<Gpt2BlockLayout> Blocks { get; }

    /// <summary><c>ln_f</c>: the final LayerNorm.</summary>
    public LayerNorm FinalNorm { get; }

    /// <summary><c>lm_head</c>: the output projection to V logits, tied to <c>wte.weight</c> unless <see cref="Gpt2Config.TieWordEmbeddings"/> is false.</summary>
    public Linear Head { get; }
}
