using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A name prefix inside a <see cref="ParameterStore"/>, like candle's <c>VarBuilder.pp</c>: every parameter
/// declared through it gets the prefix, so names match Hugging Face state dicts without any reflection.
/// </summary>
/// <example><code>
/// var store = new ParameterStore();
/// var fc = store.Root.Scope("h").Scope(0).Scope("mlp").Scope("c_fc");
/// var w = fc.Weight(outChannels: 3072, inChannels: 768);   // "h.0.mlp.c_fc.weight", [3072, 768]
/// var b = fc.Bias(3072);                                   // "h.0.mlp.c_fc.bias",   [3072]
/// </code></example>
public sealed class ParameterScope
{
    internal ParameterScope(ParameterStore store, string path)
    {
        Store = store;
        Path = path;
    }

    /// <summary>The store parameters declared here belong to.</summary>
    public ParameterStore Store { get; }

    /// <summary>The dotted prefix, empty for the store's root.</summary>
    public string Path { get; }

    /// <summary>A nested scope: <c>Path + "." + name</c>.</summary>
    /// <param name="name">One segment: ASCII letters, digits, '_' or '-'.</param>
    /// <exception cref="ParameterNameException">The segment is empty or holds other characters.</exception>
    public ParameterScope Scope(string name)
    {
        ParameterNames.ValidateSegment(Path, name);
        return new ParameterScope(Store, ParameterNames.Join(Path, name));
    }

    /// <summary>A nested scope named by an index, as repeated blocks are (<c>h.0</c>, <c>h.1</c>, ...).</summary>
    /// <param name="index">Zero or positive index.</param>
    public ParameterScope Scope(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new ParameterScope(Store, ParameterNames.Join(Path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The full name a parameter called <paramref name="name"/> would get here.</summary>
    /// <param name="name">One segment.</param>
    public string NameOf(string name)
    {
        ParameterNames.ValidateSegment(Path, name);
        return ParameterNames.Join(Path, name);
    }

    /// <summary>Declares an <see cref="Parameters.Embedding"/> table of <paramref name="rows"/> x <paramref name="columns"/> (V x C).</summary>
    /// <param name="rows">V: vocabulary size or number of positions.</param>
    /// <param name="columns">C: width of each row.</param>
    /// <param name="name">The last name segment.</param>
    /// <param name="init">The initializer; the kind's default (N(0, 0.02)) when null.</param>
    /// <exception cref="InvalidShapeException">A dimension is zero or negative.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public Embedding Embedding(int rows, int columns, string name = "weight", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, rows, columns);
        return Store.Declare(new Embedding(Store, full, rows, columns, init));
    }

    /// <summary>Declares a linear layer's <see cref="Parameters.Weight"/> of OC x C.</summary>
    /// <param name="outChannels">OC: output channels (rows).</param>
    /// <param name="inChannels">C: input channels (columns), the fan-in.</param>
    /// <param name="name">The last name segment.</param>
    /// <param name="init">The initializer; the kind's default (Kaiming uniform, as PyTorch's Linear) when null.</param>
    /// <exception cref="InvalidShapeException">A dimension is zero or negative.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public Weight Weight(int outChannels, int inChannels, string name = "weight", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, outChannels, inChannels);
        return Store.Declare(new Weight(Store, full, new Shape(outChannels, inChannels), new FanInfo(inChannels, outChannels), init));
    }

    /// <summary>Declares a <see cref="Parameters.Weight"/> of any shape with explicit fans (for example a convolution kernel).</summary>
    /// <param name="dimensions">The shape; every dimension positive.</param>
    /// <param name="fans">Fan-in and fan-out used by variance-scaling initializers.</param>
    /// <param name="name">The last name segment.</param>
    /// <param name="init">The initializer; the kind's default when null.</param>
    /// <exception cref="InvalidShapeException">A dimension is zero or negative, or the element count overflows.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public Weight Weight(ReadOnlySpan<int> dimensions, FanInfo fans, string name = "weight", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, dimensions);
        return Store.Declare(new Weight(Store, full, new Shape(dimensions), fans, init));
    }

    /// <summary>Declares a <see cref="Parameters.Bias"/> of <paramref name="channels"/> values.</summary>
    /// <param name="channels">OC: the width of the output it is added to.</param>
    /// <param name="name">The last name segment.</param>
    /// <param name="init">The initializer; zeros when null.</param>
    /// <exception cref="InvalidShapeException"><paramref name="channels"/> is zero or negative.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public Bias Bias(int channels, string name = "bias", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, channels);
        return Store.Declare(new Bias(Store, full, channels, init));
    }

    /// <summary>Declares a normalization layer's <see cref="Parameters.NormGain"/> of <paramref name="channels"/> values.</summary>
    /// <param name="channels">C: the normalized width.</param>
    /// <param name="name">The last name segment (Hugging Face stores gains as <c>weight</c>).</param>
    /// <param name="init">The initializer; ones when null.</param>
    /// <exception cref="InvalidShapeException"><paramref name="channels"/> is zero or negative.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public NormGain NormGain(int channels, string name = "weight", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, channels);
        return Store.Declare(new NormGain(Store, full, channels, init));
    }

    /// <summary>Declares a low-rank adapter matrix (<see cref="Parameters.AdapterWeight"/>) of <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    /// <param name="rows">Rows: r for LoRA's A, OC for its B.</param>
    /// <param name="columns">Columns, the fan-in: C for A, r for B.</param>
    /// <param name="name">The last name segment.</param>
    /// <param name="init">The initializer; Kaiming uniform from the fan-in (LoRA's A) when null.</param>
    /// <exception cref="InvalidShapeException">A dimension is zero or negative.</exception>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    public AdapterWeight AdapterWeight(int rows, int columns, string name = "weight", Initializer? init = null)
    {
        string full = NameOf(name);
        RequirePositive(full, rows, columns);
        return Store.Declare(new AdapterWeight(Store, full, rows, columns, init));
    }

    /// <summary>
    /// Declares <paramref name="name"/> as another name for <paramref name="target"/> (tied parameters, such as
    /// GPT-2's output head sharing <c>wte.weight</c>). The values are stored and counted once.
    /// </summary>
    /// <param name="name">The last name segment of the alias.</param>
    /// <param name="target">The parameter whose values the alias shares; it must belong to the same store.</param>
    /// <returns><paramref name="target"/>, for convenience.</returns>
    /// <exception cref="ParameterNameException">The name is invalid or already declared.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> belongs to another store.</exception>
    public T Tie<T>(string name, T target) where T : Parameter
    {
        ArgumentNullException.ThrowIfNull(target);
        Store.DeclareAlias(NameOf(name), target);
        return target;
    }

    private static void RequirePositive(string path, params ReadOnlySpan<int> dimensions)
    {
        foreach (int d in dimensions)
        {
            if (d <= 0)
            {
                throw new InvalidShapeException(path, dimensions, "a parameter needs every dimension to be at least 1");
            }
        }
        long count = 1;
        foreach (int d in dimensions)
        {
            if (count > long.MaxValue / d)
            {
                throw new InvalidShapeException(path, dimensions, "the element count overflows a 64-bit integer");
            }
            count *= d;
        }
    }

    /// <summary>Shows the path.</summary>
    public override string ToString() => Path.Length == 0 ? "(root)" : Path;
}
