using ParameterKit.Gguf;
using System.Numerics.Tensors;
using ParameterKit.Kernels;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

using ParameterKit.Transformers;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// A GPT-2-family language model with Hugging Face's parameter names: token embeddings <c>wte</c> (V x C), learned
/// position embeddings <c>wpe</c> (n_positions x C), blocks <c>h.0</c> .. <c>h.{L-1}</c>, the final LayerNorm
/// <c>ln_f</c>, and the output head <c>lm_head</c> tied to <c>wte</c> (or its own V x C matrix when the config is untied). Runs gpt2 .. gpt2-xl and their fine-tunes.
/// </summary>
/// <remarks>
/// <para>Forward, for ids of B sequences of T tokens: <c>x₀[b,t] = wte[id[b,t]] + wpe[t]</c>, <c>x_{l+1} = block_l(x_l)</c>,
/// <c>logits = ln_f(x_L)·lm_headᵀ</c> (<c>lm_head</c> is <c>wte</c> when tied) (B·T x V). This is the one declaration of GPT-2: <see cref="Gpt2Config.Declare"/> builds it for counting, so counts and loads cannot drift apart.</para>
/// <para>Two paths share the weights: <see cref="Forward"/> / <see cref="Backward"/> keep every activation for training,
/// and <see cref="ForwardCached"/> runs new tokens of one sequence against a <see cref="KvCache"/> for generation.</para>
/// </remarks>
/// <example>
/// <code>
/// var model = Gpt2Model.Load("gpt2");               // config.json + model.safetensors
/// var cache = model.CreateCache();
/// var logits = new float[model.Config.VocabSize];
/// model.ForwardCached([15496, 11, 314], cache, logits);
/// </code>
/// </example>
public sealed class Gpt2Model : Module, ITrainableLanguageModel, IDisposable
{
    private readonly ModelPassGuard _passes;
    private readonly Gpt2Block[] _blocks;
    private readonly Gpt2InferenceBuffers _inference;
    private int[] _ids = [];
    private float[][] _residuals = [];
    private Gpt2BlockActivations[] _saved = [];
    private float[] _finalNorm = [];
    private float[] _gradient = [];
    private float[] _finalGradient = [];
    private int _batch;
    // Set only when a Forward ran to its end: one that threw part-way (an id outside the vocabulary) leaves activations
    // half-written, and back-propagating them would add garbage to every gradient.
    private bool _activationsReady;
    private int _tokens;

    /// <summary>Declares the model at <paramref name="scope"/> (the store's root for Hugging Face names).</summary>
    /// <param name="scope">Where the model lives.</param>
    /// <param name="config">The hyperparameters.</param>
    /// <exception cref="InvalidShapeException">C is not a positive multiple of the head count.</exception>
    public Gpt2Model(ParameterScope scope, Gpt2Config config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Heads <= 0 || config.Channels % config.Heads != 0)
        {
            throw new InvalidShapeException(scope.NameOf("h"), [config.Channels, config.Heads], $"n_embd {config.Channels} must be a positive multiple of n_head {config.Heads}");
        }
        if (config.Layers < 0)
        {
            throw new InvalidShapeException(scope.NameOf("h"), [config.Layers], $"n_layer {config.Layers} must not be negative");
        }
        Config = config;
        _passes = new ModelPassGuard(this, Store);
        TokenEmbedding = new EmbeddingLayer(Scope.Scope("wte"), config.VocabSize, config.Channels);
        PositionEmbedding = new EmbeddingLayer(Scope.Scope("wpe"), config.Positions, config.Channels);
        _blocks = new Gpt2Block[config.Layers];
        var h = Scope.Scope("h");
        for (int i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new Gpt2Block(h.Scope(i), config);
        }
        FinalNorm = new LayerNorm(Scope.Scope("ln_f"), config.Channels, config.LayerNormEpsilon);
        // Tied (OpenAI's checkpoints): lm_head.weight is an alias of wte.weight, counted once. Untied: a V x C head of its own.
        Head = config.TieWordEmbeddings
            ? new Linear(Scope.Scope("lm_head"), TokenEmbedding.Table)
            : new Linear(Scope.Scope("lm_head"), config.Channels, config.VocabSize, bias: false);
        _inference = new Gpt2InferenceBuffers(config.Channels, config.Heads);
    }

    /// <summary>The hyperparameters.</summary>
    public Gpt2Config Config { get; }

    /// <inheritdoc />
    public int VocabularySize => Config.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Config.Positions;

    /// <summary><c>wte</c>: token embeddings, V x C (also the output head).</summary>
    public EmbeddingLayer TokenEmbedding { get; }

    /// <summary><c>wpe</c>: learned position embeddings, n_positions x C.</summary>
    public EmbeddingLayer PositionEmbedding { get; }

    /// <summary><c>h.0</c> .. <c>h.{L-1}</c>.</summary>
    public IReadOnlyList<Gpt2Block> Blocks => _blocks;

    /// <summary><c>ln_f</c>.</summary>
    public LayerNorm FinalNorm { get; }

    /// <summary><c>lm_head</c>: V logits from C channels, its weight tied to <c>wte.weight</c> unless <see cref="Gpt2Config.TieWordEmbeddings"/> is false.</summary>
    public Linear Head { get; }

    /// <summary>Declares a model in a new store and materializes it with random weights (GPT-2's initializers).</summary>
    /// <param name="config">The hyperparameters.</param>
    /// <param name="seed">The model seed.</param>
    /// <returns>A ready-to-run model.</returns>
    public static Gpt2Model Create(Gpt2Config config, ulong seed)
    {
        var store = new ParameterStore();
        var model = new Gpt2Model(store.Root, config);
        store.Materialize(seed);
        return model;
    }

    /// <summary>
    /// Loads a Hugging Face checkpoint folder: <c>config.json</c> for the shape and <c>model.safetensors</c> (or a sharded
    /// <c>model.safetensors.index.json</c>) for the weights, with the Conv1D weights (stored C x OC) transposed and an
    /// optional <c>transformer.</c> prefix stripped.
    /// </summary>
    /// <param name="folder">The folder holding <c>config.json</c> and the weights.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="FormatException"><c>config.json</c> is not a supported GPT-2 configuration.</exception>
    /// <exception cref="CheckpointLoadException">The checkpoint's tensors do not match the configuration (all differences listed).</exception>
    public static Gpt2Model Load(string folder) => Load(folder, ModelLoadOptions.Default);

    /// <summary>
    /// Loads a Hugging Face checkpoint folder as <see cref="Load(string)"/> does, holding the weights as
    /// <paramref name="options"/> says: <see cref="ModelLoadOptions.WeightType"/> <see cref="DType.BF16"/> or
    /// <see cref="DType.F16"/> keeps every matrix in half precision for inference, read in place from the memory-mapped
    /// file when it is stored in that type (dispose the model to close the file).
    /// </summary>
    /// <param name="folder">The folder holding <c>config.json</c> and the weights.</param>
    /// <param name="options">The weight type; <see cref="ModelLoadOptions.Default"/> is float32.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">The folder lacks <c>config.json</c> or the weights.</exception>
    /// <exception cref="FormatException"><c>config.json</c> is not a supported GPT-2 configuration.</exception>
    /// <exception cref="CheckpointLoadException">The checkpoint's tensors do not match the configuration (all differences listed).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight type is not F32, BF16 or F16.</exception>
    public static Gpt2Model Load(string folder, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string configPath = CheckpointFolder.Config(folder, "a GPT-2 checkpoint folder");
        string weights = CheckpointFolder.Weights(folder);
        Gpt2Config config = Gpt2ConfigJson.Read(configPath);
        ulong checkpointValues = CheckpointFolder.CheckLayers(configPath, "n_layer", config.Layers, weights);
        var store = new ParameterStore();
        var model = DeclaredSizeCheck.Declare(configPath, () => new Gpt2Model(store.Root, config));
        CheckpointFolder.Fill(store, configPath, weights, checkpointValues, options, Gpt2HubLayout.LoadOptions, KeepsFloat32WhenQuantized);
        return model;
    }

    /// <summary>
    /// Loads a GGUF file (llama.cpp's format, architecture <c>gpt2</c>) as written by llama.cpp's converter: the
    /// configuration from its <c>gpt2.*</c> metadata, the tensors mapped from llama.cpp's names (<c>token_embd.weight</c>,
    /// <c>blk.0.attn_qkv.weight</c>, ...) to this model's, F32, F16 and BF16 tensors converted and Q8_0 and Q4_0 tensors
    /// dequantized to float32. The file is closed when this returns.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The file's architecture is not <c>gpt2</c>.</exception>
    /// <exception cref="CheckpointLoadException">The tensors do not match the configuration (all differences listed).</exception>
    public static Gpt2Model LoadGguf(string path) => LoadGguf(path, ModelLoadOptions.Default);

    /// <summary>
    /// Loads a GGUF file as <see cref="LoadGguf(string)"/> does, holding the weights as <paramref name="options"/> says:
    /// with <see cref="ModelLoadOptions.Quantization"/> <see cref="WeightQuantization.Q8_0"/>, the file's Q8_0 tensors
    /// are read in place from its memory map (the file stays open until the model is disposed) and other types are
    /// quantized once.
    /// </summary>
    /// <param name="path">The <c>.gguf</c> file.</param>
    /// <param name="options">F32 (the default) or Q8_0 quantization.</param>
    /// <returns>The loaded model; dispose it to close the file.</returns>
    /// <exception cref="GgufFormatException">The file is not valid GGUF, or lacks a configuration key.</exception>
    /// <exception cref="ModelConfigException">The file's architecture is not <c>gpt2</c>.</exception>
    /// <exception cref="CheckpointLoadException">The tensors do not match the configuration (all differences listed).</exception>
    /// <exception cref="NotSupportedException">A BF16 or F16 weight type was asked for.</exception>
    public static Gpt2Model LoadGguf(string path, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        GgufFile? file = GgufFile.Open(path);
        try
        {
            string architecture = file.Metadata.GetString("general.architecture");
            if (architecture != "gpt2")
            {
                throw new ModelConfigException(path, "general.architecture", $"architecture '{architecture}' is not gpt2");
            }
            var store = new ParameterStore();
            Gpt2Config config = Gpt2GgufLayout.ReadConfig(file);
            var model = DeclaredSizeCheck.Declare(path, () => new Gpt2Model(store.Root, config));
            if (GgufModelLoading.Fill(store, file, options, Gpt2GgufLayout.Target, keepsFloat32: KeepsFloat32WhenQuantized).OwnsFile)
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

    /// <summary>
    /// The matrix GPT-2 keeps float32 when its weights are Q8_0: the position embeddings, which llama-quantize keeps float32
    /// too (one row of them is read per token, so 8 bits would save no time, only add rounding to every input).
    /// </summary>
    private static bool KeepsFloat32WhenQuantized(Parameter parameter) => parameter.Name == "wpe.weight";

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

    /// <summary>Saves the weights as <paramref name="path"/> in the Hub's layout (Conv1D weights C x OC), which this class, PyTorch and transformers load.</summary>
    /// <param name="path">The <c>.safetensors</c> file to write (atomically).</param>
    /// <exception cref="InferenceOnlyParameterException">The model holds its matrices in bf16, f16 or Q8_0 for
    /// inference (<see cref="ModelLoadOptions.WeightType"/>): they have no float32 values to save. A file already at
    /// <paramref name="path"/> is left as it was.</exception>
    public void Save(string path) => Store.Save(path, transposed: Gpt2HubLayout.IsConv1DWeight);

    /// <summary>Allocates a key/value cache for one sequence.</summary>
    /// <param name="capacity">The most positions it holds; the context length (n_positions) when 0.</param>
    /// <returns>An empty cache.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or above n_positions.</exception>
    public KvCache CreateCache(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, Config.Positions);
        return new KvCache(Config.Layers, capacity == 0 ? Config.Positions : capacity, Config.Channels);
    }

    /// <summary>
    /// Computes the logits of every position of B sequences of T tokens, keeping the activations for <see cref="Backward"/>.
    /// Buffers grow to the largest B·T seen and are reused for smaller ones, so a training loop allocates nothing after its first full batch.
    /// </summary>
    /// <param name="ids">B x T token ids, row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="tokens">T, at most n_positions.</param>
    /// <param name="logits">B·T x V destination.</param>
    /// <exception cref="ArgumentOutOfRangeException">T exceeds the context, or an id is outside the vocabulary.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="ids"/> or <paramref name="logits"/> has the wrong length.</exception>
    public void Forward(ReadOnlySpan<int> ids, int batch, int tokens, Span<float> logits)
    {
        using ModelPassGuard.Pass pass = _passes.Enter();
        _activationsReady = false;
        int rows = ForwardArguments.Check(this, ids, batch, tokens, Config.Positions, Config.VocabSize, logits);
        int c = Config.Channels;
        EnsureTraining(batch, tokens);
        int n = rows * c;
        ids.CopyTo(_ids);
        Embed(ids, 0, tokens, _residuals[0].AsSpan(0, n));
        for (int l = 0; l < _blocks.Length; l++)
        {
            _blocks[l].Forward(_residuals[l].AsSpan(0, n), _residuals[l + 1].AsSpan(0, n), _saved[l]);
        }
        FinalNorm.Forward(_residuals[^1].AsSpan(0, n), _finalNorm.AsSpan(0, n), c);
        Head.Forward(_finalNorm.AsSpan(0, n), logits, c);
        _activationsReady = true;
    }

    /// <summary>
    /// Back-propagates the last <see cref="Forward"/>: adds the gradients of every trainable parameter (the tied
    /// <c>wte</c> receives both the head's and the embedding lookup's share).
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
        int c = Config.Channels, rows = _batch * _tokens;
        if (logitsGradient.Length != (long)rows * Config.VocabSize)
        {
            throw new ShapeMismatchException(ErrorPath, new Shape(rows, Config.VocabSize), new Shape(logitsGradient.Length), "the logits gradient must match the last forward's logits");
        }
        int n = rows * c;
        Span<float> gradient = _gradient.AsSpan(0, n);
        Head.Backward(_finalNorm.AsSpan(0, n), logitsGradient, _finalGradient.AsSpan(0, n), c);
        FinalNorm.Backward(_residuals[^1].AsSpan(0, n), _finalGradient.AsSpan(0, n), gradient, c);
        for (int l = _blocks.Length - 1; l >= 0; l--)
        {
            _blocks[l].Backward(_residuals[l].AsSpan(0, n), gradient, gradient, _saved[l]);
        }
        TokenEmbedding.Backward(_ids.AsSpan(0, rows), gradient);
        if (PositionEmbedding.Table.IsTrainable)
        {
            // Every sequence of the batch used positions 0..T-1, so each adds its rows into the same T rows of wpe.
            Span<float> dPositions = PositionEmbedding.Table.Gradient[..(_tokens * c)];
            for (int b = 0; b < _batch; b++)
            {
                TensorPrimitives.Add(dPositions, _gradient.AsSpan(b * _tokens * c, _tokens * c), dPositions);
            }
        }
    }

    /// <summary>
    /// Runs new tokens of one sequence against <paramref name="cache"/>: they take positions cache.Length onward, their
    /// keys and values are appended, and the logits of the last new token are written. Feeding a prompt at once and
    /// then one token at a time gives the same logits as <see cref="Forward"/> on the whole sequence.
    /// Allocation-free once the buffers have grown to the largest call.
    /// </summary>
    /// <param name="ids">The new tokens (at least one).</param>
    /// <param name="cache">The sequence's cache; advanced by ids.Length.</param>
    /// <param name="logits">V destination: the logits of the next token after the last id.</param>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is empty, or <paramref name="cache"/> was made for another shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The tokens do not fit the cache, or an id is outside the vocabulary.</exception>
    public void ForwardCached(ReadOnlySpan<int> ids, KvCache cache, Span<float> logits)
    {
        using ModelPassGuard.Pass pass = _passes.Enter();
        ArgumentNullException.ThrowIfNull(cache);
        int c = Config.Channels, t = ids.Length, start = cache.Length;
        if (t == 0)
        {
            throw new ArgumentException("At least one new token is needed.", nameof(ids));
        }
        if (cache.Layers != _blocks.Length || cache.Channels != c)
        {
            throw new ArgumentException($"The cache holds {cache.Layers} layers of C = {cache.Channels}; this model has {_blocks.Length} of C = {c}.", nameof(cache));
        }
        if (start + t > Math.Min(cache.Capacity, Config.Positions))
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"{t} new tokens after {start} cached positions exceed the cache's capacity of {cache.Capacity} or the context of {Config.Positions} positions.");
        }
        if (logits.Length != Config.VocabSize)
        {
            throw new ShapeMismatchException(ErrorPath, new Shape(Config.VocabSize), new Shape(logits.Length), "the logits of one position have V values");
        }
        _inference.EnsureCapacity(t, start + t);
        Span<float> x = _inference.Residual.AsSpan(0, t * c);
        Embed(ids, start, t, x);
        for (int l = 0; l < _blocks.Length; l++)
        {
            _blocks[l].ForwardCached(x, t, cache, l, _inference);
        }
        cache.Advance(t);
        // Only the last position's next token is wanted: normalize and project one row, skipping T-1 rows of V logits.
        Span<float> last = _inference.Norm.AsSpan(0, c);
        FinalNorm.Forward(x.Slice((t - 1) * c, c), last, c);
        Head.Forward(last, logits, c);
    }

    /// <summary>x[i] = wte[ids[i]] + wpe[start + i mod T] for rows of T tokens.</summary>
    private void Embed(ReadOnlySpan<int> ids, int start, int tokens, Span<float> x)
    {
        int c = Config.Channels;
        TokenEmbedding.Forward(ids, x);
        for (int i = 0; i < ids.Length; i++)
        {
            PositionEmbedding.AddRow(start + i % tokens, x.Slice(i * c, c));
        }
    }

    /// <summary>
    /// Sizes the training buffers for B x T. They only grow: a smaller batch (the last of an epoch) or a shorter sequence
    /// reuses the front of the buffers, so alternating shapes allocate nothing once the largest has been seen.
    /// </summary>
    private void EnsureTraining(int batch, int tokens)
    {
        int c = Config.Channels, rows = batch * tokens;
        bool fits = _ids.Length >= rows;
        foreach (var saved in _saved)
        {
            fits &= saved.TryResize(batch, tokens);
        }
        if (fits && _saved.Length == _blocks.Length && _residuals.Length == _blocks.Length + 1)
        {
            _batch = batch;
            _tokens = tokens;
            return;
        }
        // Grow to cover both the old and the new shape, so alternating between them settles after one reallocation.
        int capacityBatch = Math.Max(batch, _saved.Length > 0 ? _saved[0].Capacity.Batch : 0);
        int capacityTokens = Math.Max(tokens, _saved.Length > 0 ? _saved[0].Capacity.Tokens : 0);
        rows = capacityBatch * capacityTokens;
        _ids = new int[rows];
        _residuals = new float[_blocks.Length + 1][];
        for (int i = 0; i < _residuals.Length; i++)
        {
            _residuals[i] = new float[rows * c];
        }
        _saved = new Gpt2BlockActivations[_blocks.Length];
        for (int i = 0; i < _saved.Length; i++)
        {
            _saved[i] = new Gpt2BlockActivations(capacityBatch, capacityTokens, c, Config.Heads);
            _saved[i].TryResize(batch, tokens);
        }
        _finalNorm = new float[rows * c];
        _gradient = new float[rows * c];
        _finalGradient = new float[rows * c];
        _batch = batch;
        _tokens = tokens;
    }
}
