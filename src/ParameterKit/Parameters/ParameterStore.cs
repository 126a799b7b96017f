using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// Owns a model's parameters: first their declarations (names, kinds, shapes — enough to count a
/// 175-billion-parameter model for free), then, after <see cref="Materialize(ulong)"/>, one contiguous value
/// buffer and (allocated at its first use) one gradient buffer, with every parameter a named view into them (llm.c's layout). Zeroing
/// gradients, clipping, optimizer steps and checkpoints then sweep one buffer.
/// </summary>
/// <example><code>
/// var store = new ParameterStore();
/// var model = new Linear(store.Root.Scope("fc"), inChannels: 768, outChannels: 3);
/// store.Materialize(seed: 42);
/// Span&lt;float&gt; w = model.Weight.Value; // 3 x 768
/// </code></example>
public sealed class ParameterStore
{
    private readonly List<Parameter> _parameters = [];
    private readonly List<TiedName> _tied = [];
    private readonly List<ModuleRecord> _modules = [];
    private readonly List<object> _moduleObjects = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private AlignedFloatBuffer? _values;
    private AlignedFloatBuffer? _gradients;
    private HalfPrecisionWeights? _half;
    private QuantizedWeights? _quantized;

    /// <summary>Creates an empty store.</summary>
    public ParameterStore()
    {
        Root = new ParameterScope(this, string.Empty);
    }

    /// <summary>The scope with an empty prefix.</summary>
    public ParameterScope Root { get; }

    /// <summary>Shorthand for <c>Root.Scope(name)</c>.</summary>
    /// <param name="name">The first name segment.</param>
    public ParameterScope Scope(string name) => Root.Scope(name);

    /// <summary>Every declared parameter, in declaration order (tied aliases excluded: each value is here once).</summary>
    public ParameterList Parameters => new(_parameters);

    /// <summary>Aliases declared with <see cref="ParameterScope.Tie{T}(string, T)"/>.</summary>
    public IReadOnlyList<TiedName> TiedNames => _tied;

    /// <summary>Modules registered in this store, in construction order.</summary>
    public IReadOnlyList<ModuleRecord> Modules => _modules;

    /// <summary>Whether <see cref="Materialize(ulong)"/> has allocated the buffers.</summary>
    public bool IsMaterialized => _values is not null;

    /// <summary>The number of values, each counted once: the length of the buffers once materialized.</summary>
    public long ElementCount { get; private set; }

    /// <summary>Every value of every parameter, contiguous in declaration order.</summary>
    /// <exception cref="InvalidOperationException">The store is not materialized.</exception>
    /// <exception cref="InferenceOnlyParameterException">The store holds its matrices in half precision for inference.</exception>
    public Span<float> Values => IsInferenceOnly ? throw InferenceOnly("its float32 value buffer") : (_values ?? throw NotMaterialized()).Span;

    /// <summary>
    /// The type matrix parameters are held in: <see cref="DType.F32"/> for a store materialized for training (every
    /// value float32), <see cref="DType.BF16"/> or <see cref="DType.F16"/> for one loaded for inference in half precision
    /// (see <c>ModelLoadOptions.WeightType</c>), whose vectors (biases, norm gains) stay float32.
    /// </summary>
    public DType WeightType => _half?.Type ?? DType.F32;

    /// <summary>
    /// How the matrices are quantized: <see cref="WeightQuantization.Q8_0"/> for a store loaded for inference with
    /// <c>ModelLoadOptions.Quantization</c> (its vectors float32, its <see cref="WeightType"/> F32), else
    /// <see cref="WeightQuantization.None"/>.
    /// </summary>
    public WeightQuantization Quantization => _quantized is null ? WeightQuantization.None : WeightQuantization.Q8_0;

    /// <summary>Whether the gradient buffer has been allocated (it is at its first use, not at <see cref="Materialize(ulong)"/>).</summary>
    internal bool HoldsGradients => _gradients is not null;

    /// <summary>
    /// Bytes of parameter memory the store holds now: float32 values, gradients once a training step has needed them
    /// (they are allocated at first use), plus half-precision matrices (mapped or copied). 0 before materializing.
    /// </summary>
    public long HeldBytes => 4L * ((long)(_values?.Length ?? 0) + (_gradients?.Length ?? 0)) + (_half?.HeldBytes ?? 0) + (_quantized?.HeldBytes ?? 0);

    /// <summary>
    /// The part of <see cref="HeldBytes"/> that is a view of a memory-mapped checkpoint: shared with the operating
    /// system's page cache rather than private to the process.
    /// </summary>
    public long MappedBytes => (_half?.MappedBytes ?? 0) + (_quantized?.MappedBytes ?? 0);

    /// <summary>Every gradient, same layout as <see cref="Values"/>.</summary>
    /// <exception cref="InvalidOperationException">The store is not materialized.</exception>
    public Span<float> Gradients
    {
        get
        {
            var gradients = GradientBuffer().Span;
            foreach (var parameter in _parameters)
            {
                parameter.OnGradientExposed(); // the whole buffer is out: every embedding must clear all its rows next time
            }
            return gradients;
        }
    }

    /// <summary>The gradient buffer for sweeps that only read or scale it (see <see cref="Parameter.GradientForSweep"/>).</summary>
    internal Span<float> GradientsForSweep => GradientBuffer().Span;

    /// <summary>
    /// The gradient buffer, allocated at its first use rather than with the values: a model loaded only to generate
    /// never touches it, and allocating it up front doubled the memory of every float32 load (2 GB of zeros for a
    /// 0.5B-parameter model). A new buffer is all zeros, which is what a store materialized earlier would hold.
    /// </summary>
    private AlignedFloatBuffer GradientBuffer()
    {
        if (_gradients is { } gradients)
        {
            return gradients;
        }
        if (IsInferenceOnly)
        {
            throw InferenceOnly("its gradients");
        }
        if (_values is null)
        {
            throw NotMaterialized();
        }
        // Backward passes may touch the store from several threads at once: the first buffer published wins.
        var fresh = new AlignedFloatBuffer(_values.Length);
        return Interlocked.CompareExchange(ref _gradients, fresh, null) ?? fresh;
    }

    /// <summary>The half-precision matrices of a store loaded for inference, else null.</summary>
    internal HalfPrecisionWeights? HalfWeights => _half;

    /// <summary>
    /// Materializes for inference with matrices in <paramref name="weightType"/> (bf16 or f16): every rank-2 parameter
    /// (weights, embeddings) gets a slot in <see cref="HalfWeights"/> that loading fills, zero-copy from the checkpoint
    /// where it can; vectors get float32 values; nothing gets a gradient. The store is then read-only for training:
    /// gradients, optimizer steps and float32 values of a matrix throw <see cref="InferenceOnlyParameterException"/>.
    /// </summary>
    internal void MaterializeForInference(DType weightType)
    {
        if (IsMaterialized)
        {
            throw new InvalidOperationException("This store is already materialized.");
        }
        if (weightType is not (DType.BF16 or DType.F16))
        {
            throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "Inference weights are held as BF16 or F16.");
        }
        long offset = 0;
        foreach (var parameter in _parameters)
        {
            if (parameter.Shape.Rank != 2)
            {
                parameter.Offset = offset;
                offset += parameter.ElementCount;
            }
        }
        ThrowIfPastOneBuffer(offset);
        _half = new HalfPrecisionWeights(weightType);
        _values = new AlignedFloatBuffer(offset);
    }

    /// <summary>Whether <paramref name="parameter"/> is to be held in half precision (a matrix of an inference store).</summary>
    internal bool HoldsInHalf(Parameter parameter) => _half is not null && parameter.Shape.Rank == 2;

    /// <summary>The Q8_0 matrices of a store loaded for quantized inference, else null.</summary>
    internal QuantizedWeights? QuantizedWeights => _quantized;

    /// <summary>
    /// Materializes for inference with matrices quantized to Q8_0: every rank-2 parameter gets a slot in
    /// <see cref="QuantizedWeights"/> that loading fills (viewed in place from a GGUF file's Q8_0 tensors, quantized once
    /// from any other type); vectors, and matrices whose column count is not a multiple of 32 (Q8_0's block), get float32
    /// values; nothing gets a gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already materialized.</exception>
    /// <param name="keepsFloat32">The architecture's matrices that stay float32 although their rows are whole blocks (GPT-2's
    /// position embeddings, which llama-quantize keeps float32 too); none when null.</param>
    internal void MaterializeForQuantizedInference(Func<Parameter, bool>? keepsFloat32 = null)
    {
        if (IsMaterialized)
        {
            throw new InvalidOperationException("This store is already materialized.");
        }
        long offset = 0;
        foreach (var parameter in _parameters)
        {
            // A matrix whose rows are not whole blocks of 32 stays float32, as llama-quantize leaves such tensors unquantized.
            if (parameter.Shape.Rank != 2 || parameter.Shape[1] % Kernels.Q8_0Quantization.Block != 0 || keepsFloat32?.Invoke(parameter) == true)
            {
                parameter.Offset = offset;
                offset += parameter.ElementCount;
            }
            else if (parameter.ElementCount / Kernels.Q8_0Quantization.Block * 34 > Array.MaxLength)
            {
                throw new InvalidOperationException(
                    $"'{parameter.Name}' {parameter.Shape} takes {parameter.ElementCount / Kernels.Q8_0Quantization.Block * 34:N0} bytes as Q8_0, more than one array holds.");
            }
        }
        ThrowIfPastOneBuffer(offset);
        _quantized = new QuantizedWeights();
        _values = new AlignedFloatBuffer(offset);
    }

    /// <summary>Refuses <paramref name="floats"/> float32 values that one buffer cannot hold, before allocating anything.</summary>
    private static void ThrowIfPastOneBuffer(long floats)
    {
        if (floats > AlignedFloatBuffer.MaxLength)
        {
            throw new InvalidOperationException($"The model holds {floats:N0} float32 values; one buffer holds at most {AlignedFloatBuffer.MaxLength:N0}.");
        }
    }

    /// <summary>Whether <paramref name="parameter"/> is to be held as Q8_0 (a matrix of a quantized inference store).</summary>
    internal bool HoldsQuantized(Parameter parameter) => _quantized is not null && parameter.Shape.Rank == 2 && parameter.Offset < 0;

    /// <summary>Whether the store was materialized for inference (half-precision or quantized matrices, no gradients).</summary>
    private bool IsInferenceOnly => _half is not null || _quantized is not null;

    /// <summary>
    /// Unmaps and frees the half-precision or Q8_0 matrices (a model's Dispose), at once or, when a pass holds them
    /// (<see cref="TryUseHeldWeights"/>), as it ends; a no-op for a float32 store.
    /// </summary>
    internal void ReleaseHeldWeights()
    {
        _half?.Release();
        _quantized?.Release();
    }

    /// <summary>Holds the inference matrices for one pass; false when they were released (true for a float32 store).</summary>
    internal bool TryUseHeldWeights()
    {
        if (_half is not null && !_half.TryEnter())
        {
            return false;
        }
        if (_quantized is not null && !_quantized.TryEnter())
        {
            _half?.Exit();
            return false;
        }
        return true;
    }

    /// <summary>Ends a use begun by a successful <see cref="TryUseHeldWeights"/>.</summary>
    internal void EndUseOfHeldWeights()
    {
        _half?.Exit();
        _quantized?.Exit();
    }

    /// <summary>The parameter called <paramref name="name"/> (a tied alias returns its target).</summary>
    /// <param name="name">The full dotted name.</param>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter this[string name] =>
        TryGetParameter(name, out var parameter) ? parameter : throw new KeyNotFoundException($"No parameter named '{name}' is declared in this store.");

    /// <summary>Looks up a parameter by full name; a tied alias returns its target.</summary>
    /// <param name="name">The full dotted name.</param>
    /// <param name="parameter">The parameter, when found.</param>
    public bool TryGetParameter(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Parameter? parameter) =>
        _byName.TryGetValue(name, out parameter);

    /// <summary>
    /// Allocates the value buffer and fills every parameter with its initializer (the gradient buffer is allocated,
    /// all zeros, when first used). Each parameter
    /// draws from its own stream derived from <paramref name="seed"/> and its name, so the same seed gives
    /// bit-identical values on every run, and adding a layer leaves the other layers' values unchanged.
    /// </summary>
    /// <param name="seed">The model seed.</param>
    /// <exception cref="InvalidOperationException">Already materialized, or the model exceeds one buffer (2³¹ values).</exception>
    public void Materialize(ulong seed)
    {
        if (IsMaterialized)
        {
            throw new InvalidOperationException("This store is already materialized.");
        }
        if (ElementCount > AlignedFloatBuffer.MaxLength)
        {
            throw new InvalidOperationException($"The model holds {ElementCount:N0} values; one float32 buffer holds at most {AlignedFloatBuffer.MaxLength:N0}. Count it without materializing, or load it in parts.");
        }
        var values = new AlignedFloatBuffer(ElementCount);
        long offset = 0;
        foreach (var parameter in _parameters)
        {
            parameter.Offset = offset;
            var view = values.Slice(offset, parameter.ElementCount);
            var random = SeededRandom.ForName(seed, parameter.Name);
            parameter.Initializer.Fill(view, parameter.Fans, ref random);
            offset += parameter.ElementCount;
        }
        _values = values;
    }

    /// <summary>
    /// Allocates the buffers with every value zero, skipping the initializers: for a store that a checkpoint is about to
    /// fill completely, where drawing hundreds of millions of random numbers would only be overwritten.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already materialized, or the model exceeds one buffer (2³¹ values).</exception>
    internal void MaterializeForLoading()
    {
        if (IsMaterialized)
        {
            throw new InvalidOperationException("This store is already materialized.");
        }
        ThrowIfPastOneBuffer(ElementCount);
        long offset = 0;
        foreach (var parameter in _parameters)
        {
            parameter.Offset = offset;
            offset += parameter.ElementCount;
        }
        _values = new AlignedFloatBuffer(ElementCount);
    }

    /// <summary>Materializes with a seed drawn from <paramref name="random"/>.</summary>
    /// <param name="random">The source of the model seed; one 64-bit draw is consumed.</param>
    public void Materialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Materialize((ulong)random.NextInt64(long.MinValue, long.MaxValue));
    }

    /// <summary>
    /// Sets every gradient to zero. Embeddings whose gradient was only written row by row by their layers'
    /// backward passes clear just those rows, which is what keeps a large-vocabulary step cheap.
    /// </summary>
    /// <exception cref="InvalidOperationException">The store is not materialized.</exception>
    public void ZeroGradients()
    {
        if (_gradients is null)
        {
            _ = GradientBuffer(); // a new buffer is already zero: only the checks and the allocation are needed
            return;
        }
        foreach (var parameter in _parameters)
        {
            parameter.ClearGradient();
        }
    }

    /// <summary>Freezes every parameter whose full name matches <paramref name="pattern"/> (<c>*</c> and <c>?</c> wildcards).</summary>
    /// <param name="pattern">A glob such as <c>wte.*</c> or <c>h.*.attn.*</c>; a tied alias name matches its target.</param>
    /// <returns>How many parameters were matched.</returns>
    public int Freeze(string pattern) => SetTrainable(pattern, trainable: false);

    /// <summary>Freezes every parameter of <paramref name="kind"/> (for example all embeddings).</summary>
    /// <param name="kind">The kind to freeze.</param>
    /// <returns>How many parameters were matched.</returns>
    public int Freeze(ParameterKind kind) => SetTrainable(kind, trainable: false);

    /// <summary>Makes every parameter whose full name matches <paramref name="pattern"/> trainable again.</summary>
    /// <param name="pattern">A glob with <c>*</c> and <c>?</c> wildcards.</param>
    /// <returns>How many parameters were matched.</returns>
    public int Unfreeze(string pattern) => SetTrainable(pattern, trainable: true);

    /// <summary>Makes every parameter of <paramref name="kind"/> trainable again.</summary>
    /// <param name="kind">The kind to unfreeze.</param>
    /// <returns>How many parameters were matched.</returns>
    public int Unfreeze(ParameterKind kind) => SetTrainable(kind, trainable: true);

    internal T Declare<T>(T parameter) where T : Parameter
    {
        RequireDeclaring(parameter.Name);
        if (parameter.ElementCount > long.MaxValue - ElementCount)
        {
            // Each shape's count fits 64 bits, but a hostile configuration's sum need not (a checked add threw OverflowException).
            throw new InvalidShapeException(parameter.Name, parameter.Shape.Dimensions,
                $"declaring it takes the store past {long.MaxValue:N0} values");
        }
        if (!_byName.TryAdd(parameter.Name, parameter))
        {
            throw new ParameterNameException(parameter.Name, "a parameter with this name is already declared");
        }
        _parameters.Add(parameter);
        ElementCount = checked(ElementCount + parameter.ElementCount);
        return parameter;
    }

    internal void DeclareAlias(string name, Parameter target)
    {
        if (!ReferenceEquals(target.Store, this))
        {
            throw new ArgumentException($"Cannot tie '{name}' to '{target.Name}': the target belongs to another store.", nameof(target));
        }
        RequireDeclaring(name);
        if (!_byName.TryAdd(name, target))
        {
            throw new ParameterNameException(name, "a parameter with this name is already declared");
        }
        _tied.Add(new TiedName(name, target));
    }

    internal void RegisterModule(string path, string typeName, object module)
    {
        _modules.Add(new ModuleRecord(path, typeName));
        _moduleObjects.Add(module);
    }

    /// <summary>Every registered module object, in construction order.</summary>
    internal IReadOnlyList<object> ModuleObjects => _moduleObjects;

    /// <summary>Registered module objects whose path is directly below <paramref name="path"/>.</summary>
    internal IEnumerable<object> ModulesDirectlyBelow(string path)
    {
        for (int i = 0; i < _modules.Count; i++)
        {
            if (IsDirectChild(path, _modules[i].Path))
            {
                yield return _moduleObjects[i];
            }
        }
    }

    /// <summary>Parameters whose name is <paramref name="path"/> plus exactly one more segment.</summary>
    internal IEnumerable<Parameter> ParametersDirectlyBelow(string path)
    {
        foreach (var parameter in _parameters)
        {
            if (IsDirectChild(path, parameter.Name))
            {
                yield return parameter;
            }
        }
    }

    internal Span<float> ValuesOf(Parameter parameter) =>
        IsInferenceOnly && parameter.Offset < 0 ? throw InferenceOnly(parameter.Name, "its float32 values")
        : _values is null ? throw new ParameterNotMaterializedException(parameter.Name) : _values.Slice(parameter.Offset, parameter.ElementCount);

    internal Span<float> GradientsOf(Parameter parameter) =>
        IsInferenceOnly ? throw InferenceOnly(parameter.Name, "its gradient")
        : _values is null ? throw new ParameterNotMaterializedException(parameter.Name) : GradientBuffer().Slice(parameter.Offset, parameter.ElementCount);

    private static bool IsDirectChild(string parent, string name)
    {
        if (parent.Length == 0)
        {
            return name.Length > 0 && !name.Contains(ParameterNames.Separator, StringComparison.Ordinal);
        }
        return name.Length > parent.Length + 1
            && name.StartsWith(parent, StringComparison.Ordinal)
            && name[parent.Length] == ParameterNames.Separator
            && name.IndexOf(ParameterNames.Separator, parent.Length + 1) < 0;
    }

    private void RequireDeclaring(string name)
    {
        if (IsMaterialized)
        {
            throw new InvalidOperationException($"Cannot declare '{name}': the store is already materialized. Declare the whole model first, then call Materialize.");
        }
    }

    private int SetTrainable(string pattern, bool trainable)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        int matched = 0;
        foreach (var parameter in _parameters)
        {
            bool byAlias = _tied.Exists(t => ReferenceEquals(t.Target, parameter) && NamePattern.Matches(pattern, t.Name));
            if (byAlias || NamePattern.Matches(pattern, parameter.Name))
            {
                parameter.IsTrainable = trainable;
                matched++;
            }
        }
        return matched;
    }

    private int SetTrainable(ParameterKind kind, bool trainable)
    {
        int matched = 0;
        foreach (var parameter in _parameters)
        {
            if (parameter.Kind == kind)
            {
                parameter.IsTrainable = trainable;
                matched++;
            }
        }
        return matched;
    }

    private InferenceOnlyParameterException InferenceOnly(string request) => InferenceOnly("this store", request);

    private InferenceOnlyParameterException InferenceOnly(string name, string request) =>
        _half is not null ? new(name, _half.Type, request) : InferenceOnlyParameterException.Quantized(name, request);

    private static InvalidOperationException NotMaterialized() =>
        new("The store is not materialized: call Materialize(seed) after declaring the model.");
}
