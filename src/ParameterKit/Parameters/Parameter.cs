using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A named, typed block of learnable numbers: the thing a model's "N parameters" counts.
/// Its subtype says what it is for — <see cref="Embedding"/>, <see cref="Weight"/>, <see cref="Bias"/> or
/// <see cref="NormGain"/> — and that decides its default initializer, whether weight decay applies, and how
/// counts report it.
/// </summary>
/// <remarks>
/// A parameter is declared through a <see cref="ParameterScope"/> (which fixes its dotted, Hugging Face style
/// name) and holds no memory until its <see cref="ParameterStore"/> is materialized. Then
/// <see cref="Value"/> and <see cref="Gradient"/> are views into the store's two contiguous buffers.
/// </remarks>
public abstract class Parameter
{
    private Initializer _initializer;

    private protected Parameter(ParameterStore store, string name, Shape shape, FanInfo fans, Initializer? initializer)
    {
        Store = store;
        Name = name;
        Shape = shape;
        Fans = fans;
        _initializer = initializer ?? DefaultInitializer;
        ApplyWeightDecay = DecaysByDefault;
    }

    /// <summary>The full dotted name, for example <c>h.0.attn.c_attn.weight</c>.</summary>
    public string Name { get; }

    /// <summary>What this parameter is for.</summary>
    public abstract ParameterKind Kind { get; }

    /// <summary>The dimensions of the value tensor.</summary>
    public Shape Shape { get; }

    /// <summary>How many numbers this parameter holds.</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>Fan-in and fan-out, used by variance-scaling initializers.</summary>
    public FanInfo Fans { get; }

    /// <summary>The store that owns this parameter's memory.</summary>
    public ParameterStore Store { get; }

    /// <summary>Whether optimizers update this parameter. Frozen parameters are still counted and saved.</summary>
    public bool IsTrainable { get; set; } = true;

    /// <summary>Whether weight decay applies. Defaults by kind: true for <see cref="Weight"/>, false otherwise.</summary>
    public bool ApplyWeightDecay { get; set; }

    /// <summary>How the initial values are drawn. May be changed until the store is materialized.</summary>
    /// <exception cref="InvalidOperationException">Set after the store was materialized.</exception>
    public Initializer Initializer
    {
        get => _initializer;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (Store.IsMaterialized)
            {
                throw new InvalidOperationException($"Parameter '{Name}' is already materialized; set its initializer before ParameterStore.Materialize.");
            }
            _initializer = value;
        }
    }

    /// <summary>Where this parameter's values start in the store's buffers, once materialized.</summary>
    internal long Offset { get; set; } = -1;

    /// <summary>The kind's default initializer.</summary>
    private protected abstract Initializer DefaultInitializer { get; }

    /// <summary>The kind's default for <see cref="ApplyWeightDecay"/>.</summary>
    private protected virtual bool DecaysByDefault => false;

    /// <summary>Whether the values are allocated (the store was materialized).</summary>
    public bool IsMaterialized => Offset >= 0 || Held is not null || Quantized is not null;

    /// <summary>The half-precision matrix holding this parameter in a store loaded for inference, else null.</summary>
    internal HeldMatrix? Held { get; set; }

    /// <summary>The Q8_0 matrix holding this parameter in a store loaded for quantized inference, else null.</summary>
    internal Q8_0Matrix? Quantized { get; set; }

    /// <summary>The values, row-major in <see cref="Shape"/>: a view into the store's value buffer.</summary>
    /// <exception cref="ParameterNotMaterializedException">The store has not been materialized.</exception>
    public Span<float> Value => Store.ValuesOf(this);

    /// <summary>The accumulated gradient, same layout as <see cref="Value"/>: a view into the store's gradient buffer.</summary>
    /// <exception cref="ParameterNotMaterializedException">The store has not been materialized.</exception>
    public Span<float> Gradient
    {
        get
        {
            var gradient = Store.GradientsOf(this);
            OnGradientExposed();
            return gradient;
        }
    }

    /// <summary>
    /// The gradient for library sweeps that read it or scale it (optimizers, clipping, averaging): they never turn a
    /// zero into a non-zero, so an embedding's record of touched rows stays valid.
    /// </summary>
    internal Span<float> GradientForSweep => Store.GradientsOf(this);

    /// <summary>Called whenever the gradient span is handed out to code that may write anywhere in it.</summary>
    internal virtual void OnGradientExposed()
    {
    }

    /// <summary>Sets the gradient to zero (an embedding clears only the rows written since the last call).</summary>
    internal virtual void ClearGradient() => Store.GradientsOf(this).Clear();

    /// <summary>Formats as <c>name: Kind [shape]</c>.</summary>
    public override string ToString() => $"{Name}: {Kind} {Shape}";
}
