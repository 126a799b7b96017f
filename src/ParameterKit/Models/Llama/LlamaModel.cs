using ParameterKit.Gguf;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Transformers;

namespace ParameterKit.Models.Llama;

/// <summary>
/// A Llama-family causal language model (Hugging Face's <c>LlamaForCausalLM</c>, and Mistral's and Qwen2's, which differ
/// only in settings) with Hugging Face's parameter names: <c>model.embed_tokens</c> (V x C), decoder layers
/// <c>model.layers.0</c> .. <c>model.layers.{L-1}</c>, the final RMSNorm <c>model.norm</c>, and the head <c>lm_head</c>
/// (its own V x C matrix, or <c>model.embed_tokens.weight</c> when tied).
/// </summary>
/// <remarks>
/// <para>Forward, for ids of B sequences of T tokens: <c>x₀ = embed_tokens[ids]</c>, <c>x_{l+1} = layer_l(x_l)</c> with
/// rotary positions 0..T−1, <c>logits = norm(x_L)·lm_headᵀ</c> (B·T x V). There are no learned positions: a position
/// enters only as the rotation of queries and keys.</para>
/// <para>Two paths share the weights: <see cref="Forward"/> / <see cref="Backward"/> keep every layer's activations for
/// training (fine-tuning through the <c>Trainer</c> with <see cref="LlamaLanguageModelTask"/>), and
/// <see cref="ForwardCached"/> runs new tokens of one sequence against a <see cref="KvCache"/> for generation.</para>
/// <para>This is the one declaration of the architecture: <see cref="LlamaConfig.Declare"/> builds it for counting, and
/// <see cref="Load(string)"/> fills it from a Hub folder, so counts and loads cannot drift apart.</para>
/// <para>For inference the matrices can stay in the checkpoint's half precision
/// (<see cref="Load(string, ModelLoadOptions)"/> with <see cref="ModelLoadOptions.WeightType"/> BF16 or F16): half the
/// memory and half the bytes read per generated token. Such a model reads its checkpoint in place: dispose it to close
/// the file.</para>
/// </remarks>
/// <example>
/// <code>
/// var model = LlamaModel.Load("SmolLM2-135M");   // config.json + model.safetensors (or a sharded index)
/// var cache = model.CreateCache();
/// var logits = new float[model.VocabularySize];
/// model.ForwardCached([1, 422, 7], cache, logits);
/// </code>
/// </example>
public sealed class LlamaModel : Module, ITrainableLanguageModel, IDisposable
{
    private readonly ModelPassGuard _passes;
    private readonly LlamaBlock[] _blocks;
    private readonly LlamaActivations _inference;
    private readonly LlamaGradients _gradients;
    private LlamaActivations[] _saved = [];
    private float[][] _residuals = [];
    private float[] _inferenceResidual = [];
    private float[] _finalNorm = [];
    private float[] _finalGradient = [];
    private float[] _gradient = [];
    private float[] _cos = [];
    private float[] _sin = [];
    private int[] _ids = [];
    private int _batch;
    // Set only when a Forward ran to its end: one that threw part-way (an id outside the vocabulary) leaves activations
    // half-written, and back-propagating them would add garbage to every gradient.
    private bool _activationsReady;
    private int _tokens;
    private RotaryEmbedding? _rope;

    /// <summary>Declares the model at <paramref name="scope"/> (the store's root for Hugging Face names).</summary>
    /// <param name="scope">Where the model lives.</param>
    /// <param name="config">The hyperparameters.</param>
    /// <exception cref="InvalidShapeException">The head counts do not divide the widths, or the head width is odd.</exception>
    public LlamaModel(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Heads <= 0 || config.KeyValueHeads <= 0 || config.Heads % config.KeyValueHeads != 0)
        {
            throw new InvalidShapeException(scope.NameOf("model"), [config.Heads, config.KeyValueHeads], $"num_attention_heads {config.Heads} must be a positive multiple of num_key_value_heads {config.KeyValueHeads}");
        }
        if (config.ResolvedHeadDim <= 0 || config.ResolvedHeadDim % 2 != 0 || (config.HeadDim == 0 && config.Hidden % config.Heads != 0))
        {
            throw new InvalidShapeException(scope.NameOf("model"), [config.Hidden, config.Heads, config.HeadDim],
                $"the head width must be a positive even number: hidden_size {config.Hidden} / num_attention_heads {config.Heads}, or head_dim {config.HeadDim}");
        }
        if (config.Layers < 0)
        {
            throw new InvalidShapeException(scope.NameOf("model"), [config.Layers], $"num_hidden_layers {config.Layers} must not be negative");
        }
        Config = config;
        _passes = new ModelPassGuard(this, Store);
        var model = Scope.Scope("model");
        TokenEmbedding = new EmbeddingLayer(model.Scope("embed_tokens"), config.VocabSize, config.Hidden);
        _blocks = new LlamaBlock[config.Layers];
        var layers = model.Scope("layers");
        for (int i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new LlamaBlock(layers.Scope(i), config);
        }
        FinalNorm = new RmsNorm(model.Scope("norm"), config.Hidden, config.RmsNormEpsilon);
        Head = config.TieEmbeddings
            ? new Linear(Scope.Scope("lm_head"), TokenEmbedding.Table)
            : new Linear(Scope.Scope("lm_head"), config.Hidden, config.VocabSize, bias: false);
        // Buffers and rotary frequencies are sized lazily: declaring Llama-3 70B for a count allocates no activations.
        _inference = new LlamaActivations(config, training: false);
        _gradients = new LlamaGradients(config);
    }

    /// <summary>The hyperparameters.</summary>
    public LlamaConfig Config { get; }

    /// <inheritdoc />
    public int VocabularySize => Config.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Config.ContextLength;

    /// <summary><c>model.embed_tokens</c>: V x C.</summary>
    public EmbeddingLayer TokenEmbedding { get; }

    /// <summary><c>model.layers.0</c> .. <c>model.layers.{L-1}</c>.</summary>
    public IReadOnlyList<LlamaBlock> Blocks => _blocks;

    /// <summary><c>model.norm</c>.</summary>
    public RmsNorm FinalNorm { get; }

    /// <summary><c>lm_head</c>: C → V, reading <c>model.embed_tokens.weight</c> when <see cref="LlamaConfig.TieEmbeddings"/>.</summary>
    public Linear Head { get; }

    /// <summary>What loading the checkpoint did (buffers such as <c>rotary_emb.inv_freq</c> it ignored, identical tied copies), or
    /// <see langword="null"/> for a model that was not loaded.</summary>
    public CheckpointLoadReport? LoadReport { get; private set; }

    private RotaryEmbedding Rope => _rope ??= new RotaryEmbedding(Config.ResolvedHeadDim, Config.RopeTheta, Config.RopeScaling);

    /// <summary>Declares a model in a new store and materializes it with random weights.</summary>
    /// <param name="config">The hyperparameters.</param>
    /// <param name="seed">The model seed.</param>
    /// <returns>A ready-to-run model.</returns>
    public static LlamaModel Create(LlamaConfig config, ulong seed)
    {
        var store = new ParameterStore();
        var model = new LlamaModel(store.Root, config);
        store.Materialize(seed);
        return model;
    }

    /// <summary>
    /// Loads a Hugging Face checkpoint folder unchanged: <c>config.json</c> (read by <see cref="LlamaConfigJson"/>) and
    /// <c>model.safetensors</c> or a sharded <c>model.safetensors.index.json</c>, with F32, F16 or BF16 tensors (converted to
    /// float32). Strict: a declared tensor missing from the checkpoint, or a stored tensor the model does not declare, fails;
    /// rotary <c>inv_freq</c> buffers are ignored and listed in <see cref="LoadReport"/>.
    /// </summary>
    /// <param name="folder">The folder holding <c>config.json</c> and the weights.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="ModelConfigException"><c>config.json</c> is not a supported Llama-family configuration.</exception>
    /// <exception cref="CheckpointLoadException">The checkpoint's tensors do not match the configuration (all differences listed).</exception>
    public static LlamaModel Load(string folder) => Load(folder, ModelLoadOptions.Default);

    /// <summary>
    /// Loads a Hugging Face checkpoint folder as <see cref="Load(string)"/> does, holding the weights as
    /// <paramref name="options"/> says: <see cref="ModelLoadOptions.WeightType"/> <see cref="DType.BF16"/> or
    /// <see cref="DType.F16"/> keeps every matrix (projections, embeddings, the head) in half precision for inference, read
    /// in place from the memory-mapped file when it is stored in that type and converted once otherwise; norm gains and
    /// biases stay float32. Such a model cannot be trained (<see cref="InferenceOnlyParameterException"/>); dispose it to
    /// close the checkpoint.
    /// </summary>
    /// <param name="folder">The folder holding <c>config.json</c> and the weights.</param>
    /// <param name="options">The weight type; <see cref="ModelLoadOptions.Default"/> is float32.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="ModelConfigException"><c>config.json</c> is not a supported Llama-family configuration.</exception>
    /// <exception cref="CheckpointLoadException">The checkpoint's tensors do not match the configuration (all differences listed).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight type is not F32, BF16 or F16.</exception>
    public static LlamaModel Load(string folder, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string configPath = CheckpointFolder.Config(folder);
        string weights = CheckpointFolder.Weights(folder);
        LlamaConfig config = LlamaConfigJson.Read(configPath);
        ulong checkpointValues = CheckpointFolder.CheckLayers(configPath, "num_hidden_layers", config.Layers, weights);
        var store = new ParameterStore();
        var model = DeclaredSizeCheck.Declare(configPath, () => new LlamaModel(store.Root, config));
        model.LoadReport = CheckpointFolder.Fill(store, configPath, weights, checkpointValues, options, CheckpointLoadOptions.Default);
        return model;
    }

    /// <summary>
    /// Closes the checkpoint a half-precision model reads its weights from and frees any converted copies; the model
    /// cannot run afterwards (<see cref="ObjectDisposedException"/>). A float32 model holds no such resources: for it this
    /// does nothing. Called while another thread runs a pass, it lets that pass finish and releases the weights as it ends.
    /// </summary>
    /// <remarks>A model runs one pass at a time (<see cref="Forward"/>, <see cref="ForwardCached"/>, <see cref="Backward"/>):
    /// its activations and buffers live in it, so a second thread starting a pass meanwhile gets an
    /// <see cref="InvalidOperationException"/> instead of both getting wrong numbers. Give each thread its own model.</remarks>
    public void Dispose() => Store.ReleaseHeldWeights();

    /// <summary>The guard of this model's passes (tests hold a pass open through it).</summary>
    internal ModelPassGuard Passes => _passes;

    /// <summary>
    /// Loads a GGUF file (llama.cpp's format, architecture <c>llama</c> or <c>qwen2</c>) as written by llama.cpp's
    /// converter: the configuration from its metadata, the tensors mapped from llama.cpp's names
    /// (<c>blk.0.attn_q.weight</c>, ...) to this model's, the converter's rotary permutation of the query and key rows
    /// undone (architecture <c>llama</c>), F32, F16 and BF16 tensors converted and Q8_0 and Q4_0 tensors dequantized to
    /// float32. The file is closed when this returns.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <returns>The loaded model; <see cref="LoadReport"/> lists what was loaded.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The architecture is not a Llama-family one, or the file scales its rotary embedding
    /// in a way not built (anything but llama3's <c>rope_freqs.weight</c> and linear scaling).</exception>
    /// <exception cref="CheckpointLoadException">The tensors do not match the configuration (all differences listed).</exception>
    public static LlamaModel LoadGguf(string path) => LoadGguf(path, ModelLoadOptions.Default);

    /// <summary>
    /// Loads a GGUF file as <see cref="LoadGguf(string)"/> does, holding the weights as <paramref name="options"/> says:
    /// with <see cref="ModelLoadOptions.Quantization"/> <see cref="WeightQuantization.Q8_0"/>, the file's Q8_0 tensors
    /// are read in place from its memory map (the query and key projections of a <c>llama</c> file are copied once, to
    /// undo the converter's rotary permutation) and other types are quantized once.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <param name="options">F32 (the default) or Q8_0 quantization.</param>
    /// <returns>The loaded model; dispose it to close the file.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The architecture is not a Llama-family one, or the file scales its rotary embedding
    /// in a way not built (anything but llama3's <c>rope_freqs.weight</c> and linear scaling).</exception>
    /// <exception cref="CheckpointLoadException">The tensors do not match the configuration (all differences listed).</exception>
    /// <exception cref="NotSupportedException">A BF16 or F16 weight type was asked for.</exception>
    public static LlamaModel LoadGguf(string path, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        GgufFile? file = GgufFile.Open(path);
        try
        {
            LlamaConfig config = LlamaGgufLayout.ReadConfig(file);
            var store = new ParameterStore();
            var model = DeclaredSizeCheck.Declare(path, () => new LlamaModel(store.Root, config));
            (model.LoadReport, bool owns) = GgufModelLoading.Fill(store, file, options, name => LlamaGgufLayout.Target(name, config),
                new HashSet<string>(StringComparer.Ordinal) { LlamaGgufLayout.RopeFrequencyFactors });
            if (owns)
            {
                file = null;
            }
            return model;
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>Saves the weights as <paramref name="path"/> in the Hub's layout (names as transformers writes them; a tied head is not stored).</summary>
    /// <param name="path">The <c>.safetensors</c> file to write (atomically).</param>
    /// <exception cref="InferenceOnlyParameterException">The model holds its matrices in bf16, f16 or Q8_0 for
    /// inference (<see cref="ModelLoadOptions.WeightType"/>): they have no float32 values to save. A file already at
    /// <paramref name="path"/> is left as it was.</exception>
    public void Save(string path) => Store.Save(path);

    /// <summary>Allocates a key/value cache for one sequence: per layer, capacity x KV·hd keys and values.</summary>
    /// <param name="capacity">The most positions it holds; <see cref="ContextLength"/> when 0.</param>
    /// <returns>An empty cache.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or above the context length.</exception>
    public KvCache CreateCache(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, Config.ContextLength);
        return new KvCache(Config.Layers, capacity == 0 ? Config.ContextLength : capacity, Config.KeyValueHeads * Config.ResolvedHeadDim);
    }

    /// <summary>
    /// Computes the logits of every position of B sequences of T tokens, each sequence at positions 0..T−1, keeping the
    /// activations for <see cref="Backward"/>. Buffers grow to the largest B·T seen and are reused.
    /// </summary>
    /// <param name="ids">B x T token ids, row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="tokens">T, at most the context length.</param>
    /// <param name="logits">B·T x V destination.</param>
    /// <exception cref="ArgumentOutOfRangeException">T exceeds the context, or an id is outside the vocabulary.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="ids"/> or <paramref name="logits"/> has the wrong length.</exception>
    public void Forward(ReadOnlySpan<int> ids, int batch, int tokens, Span<float> logits)
    {
        using ModelPassGuard.Pass pass = _passes.Enter();
        _activationsReady = false;
        int rows = ForwardArguments.Check(this, ids, batch, tokens, Config.ContextLength, Config.VocabSize, logits);
        int c = Config.Hidden;
        EnsureTraining(batch, tokens);
        int n = rows * c;
        ids.CopyTo(_ids);
        FillRotation(0, tokens);
        TokenEmbedding.Forward(ids, _residuals[0].AsSpan(0, n));
        for (int l = 0; l < _blocks.Length; l++)
        {
            _blocks[l].Forward(_residuals[l].AsSpan(0, n), _saved[l].Middle.AsSpan(0, n), _residuals[l + 1].AsSpan(0, n), batch, tokens, null, l,
                Rope, _cos, _sin, _saved[l]);
        }
        FinalNorm.Forward(_residuals[^1].AsSpan(0, n), _finalNorm.AsSpan(0, n), c);
        Head.Forward(_finalNorm.AsSpan(0, n), logits, c);
        _activationsReady = true;
    }

    /// <summary>
    /// Back-propagates the last <see cref="Forward"/>: adds the gradients of every trainable parameter (a tied
    /// <c>model.embed_tokens.weight</c> receives both the head's and the lookup's share).
    /// </summary>
    /// <param name="logitsGradient">dLoss/dLogits, B·T x V.</param>
    /// <exception cref="InvalidOperationException">No forward pass ran before, or the last one threw.</exception>
    /// <exception cref="ShapeMismatchException">The gradient does not match the last forward's logits.</exception>
    public void Backward(ReadOnlySpan<float> logitsGradient)
    {
        using ModelPassGuard.Pass pass = _passes.Enter();
        if (!_activationsReady)
        {
            throw new InvalidOperationException("Backward needs the activations of a Forward call that completed on the same model: none ran, or the last one failed.");
        }
        int c = Config.Hidden, rows = _batch * _tokens, n = rows * c;
        if (logitsGradient.Length != (long)rows * Config.VocabSize)
        {
            throw new ShapeMismatchException(ErrorPath, new Shape(rows, Config.VocabSize), new Shape(logitsGradient.Length), "the logits gradient must match the last forward's logits");
        }
        _gradients.EnsureCapacity(rows, _tokens);
        Span<float> gradient = _gradient.AsSpan(0, n);
        Head.Backward(_finalNorm.AsSpan(0, n), logitsGradient, _finalGradient.AsSpan(0, n), c);
        FinalNorm.Backward(_residuals[^1].AsSpan(0, n), _finalGradient.AsSpan(0, n), gradient, c);
        FillRotation(0, _tokens);
        for (int l = _blocks.Length - 1; l >= 0; l--)
        {
            _blocks[l].Backward(_residuals[l].AsSpan(0, n), gradient, gradient, _batch, _tokens, Rope, _cos, _sin, _saved[l], _gradients);
        }
        TokenEmbedding.Backward(_ids.AsSpan(0, rows), gradient);
    }

    /// <summary>
    /// Runs new tokens of one sequence against <paramref name="cache"/>: they take positions cache.Length onward, their
    /// rotated keys and values are appended, and the logits of the last new token are written. Feeding a prompt at once and
    /// then one token at a time gives the logits <see cref="Forward"/> gives on the whole sequence.
    /// </summary>
    /// <param name="ids">The new tokens (at least one).</param>
    /// <param name="cache">The sequence's cache (from <see cref="CreateCache"/>); advanced by ids.Length.</param>
    /// <param name="logits">V destination: the logits of the next token after the last id.</param>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is empty.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="cache"/> was made for another shape, or <paramref name="logits"/> is not V long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The tokens do not fit the cache, or an id is outside the vocabulary.</exception>
    public void ForwardCached(ReadOnlySpan<int> ids, KvCache cache, Span<float> logits)
    {
        using ModelPassGuard.Pass pass = _passes.Enter();
        ArgumentNullException.ThrowIfNull(cache);
        int c = Config.Hidden, t = ids.Length, start = cache.Length;
        if (t == 0)
        {
            throw new ArgumentException("At least one new token is needed.", nameof(ids));
        }
        if (_blocks.Length > 0)
        {
            _blocks[0].Attention.CheckCache(cache, _blocks.Length, Path);
        }
        if (start + t > Math.Min(cache.Capacity, Config.ContextLength))
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"{t} new tokens after {start} cached positions exceed the cache's capacity of {cache.Capacity} or the context of {Config.ContextLength} positions.");
        }
        if (logits.Length != Config.VocabSize)
        {
            throw new ShapeMismatchException(ErrorPath, new Shape(Config.VocabSize), new Shape(logits.Length), "the logits of one position have V values");
        }
        _inference.EnsureCapacity(t, t, start + t);
        if (_inferenceResidual.Length < t * c)
        {
            _inferenceResidual = new float[t * c];
        }
        Span<float> x = _inferenceResidual.AsSpan(0, t * c);
        TokenEmbedding.Forward(ids, x);
        FillRotation(start, t);
        for (int l = 0; l < _blocks.Length; l++)
        {
            _blocks[l].Forward(x, x, x, 1, t, cache, l, Rope, _cos, _sin, _inference);
        }
        cache.Advance(t);
        // Only the next token's logits are wanted: normalize and project the last row alone.
        Span<float> last = _inference.Norm1.AsSpan(0, c);
        FinalNorm.Forward(x.Slice((t - 1) * c, c), last, c);
        Head.Forward(last, logits, c);
    }

    /// <summary>
    /// Fills the first T rows of the rotation tables for positions start..start+T−1. The tables grow to the longest call
    /// and are never shrunk (readers take the row count, not the table's length): sized exactly, they were reallocated
    /// whenever T changed, so every generation (prompt, then one token at a time) allocated after warm-up.
    /// </summary>
    private void FillRotation(int start, int tokens)
    {
        int half = Config.ResolvedHeadDim / 2;
        if (_cos.Length < tokens * half)
        {
            _cos = new float[tokens * half];
            _sin = new float[tokens * half];
        }
        Rope.Fill(start, tokens, _cos, _sin);
    }

    /// <summary>
    /// Sizes the training buffers for B x T: one activation set per layer and the residual streams between layers. They
    /// grow to the largest B·T seen; a smaller or shorter batch reuses their fronts.
    /// </summary>
    private void EnsureTraining(int batch, int tokens)
    {
        int c = Config.Hidden, rows = batch * tokens;
        if (_saved.Length != _blocks.Length)
        {
            _saved = new LlamaActivations[_blocks.Length];
            for (int l = 0; l < _saved.Length; l++)
            {
                _saved[l] = new LlamaActivations(Config, training: true);
            }
            _residuals = new float[_blocks.Length + 1][];
            Array.Fill(_residuals, []);
        }
        foreach (LlamaActivations saved in _saved)
        {
            saved.EnsureCapacity(rows, tokens, tokens);
        }
        if (_ids.Length < rows)
        {
            _ids = new int[rows];
            for (int i = 0; i < _residuals.Length; i++)
            {
                _residuals[i] = new float[rows * c];
            }
            _finalNorm = new float[rows * c];
            _finalGradient = new float[rows * c];
            _gradient = new float[rows * c];
        }
        _batch = batch;
        _tokens = tokens;
    }
}
