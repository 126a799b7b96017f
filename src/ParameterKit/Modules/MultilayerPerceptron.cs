using ParameterKit.Parameters;

namespace ParameterKit.Modules;

/// <summary>The activation placed between the linear layers of a <see cref="MultilayerPerceptron"/>.</summary>
public enum Activation
{
    /// <summary><see cref="Modules.Relu"/>.</summary>
    Relu = 0,
    /// <summary><see cref="Modules.Gelu"/> (tanh approximation).</summary>
    Gelu = 1,
    /// <summary><see cref="Modules.Tanh"/>.</summary>
    Tanh = 2,
}

/// <summary>
/// Linear layers with an activation between each pair: widths <c>[C, H1, ..., OC]</c> give
/// <c>Linear(C→H1), act, ..., Linear(Hn→OC)</c>, numbered as a <see cref="Sequential"/> (<c>{path}.0.weight</c>, ...).
/// </summary>
public sealed class MultilayerPerceptron : Sequential
{
    /// <summary>Declares the perceptron.</summary>
    /// <param name="scope">Where it lives.</param>
    /// <param name="widths">Input width, hidden widths, output width: at least two entries.</param>
    /// <param name="activation">The nonlinearity between linear layers (none after the last).</param>
    /// <exception cref="ArgumentException">Fewer than two widths.</exception>
    public MultilayerPerceptron(ParameterScope scope, IReadOnlyList<int> widths, Activation activation = Activation.Relu)
        : base(scope, First(widths))
    {
        for (int i = 0; i + 1 < widths.Count; i++)
        {
            int inWidth = widths[i], outWidth = widths[i + 1];
            Add(s => new Linear(s, inWidth, outWidth));
            if (i + 2 < widths.Count)
            {
                Add(s => Create(s, activation));
            }
        }
    }

    private static int First(IReadOnlyList<int> widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        return widths.Count >= 2 ? widths[0] : throw new ArgumentException("A perceptron needs at least an input and an output width.", nameof(widths));
    }

    private static Layer Create(ParameterScope scope, Activation activation) => activation switch
    {
        Activation.Relu => new Relu(scope),
        Activation.Gelu => new Gelu(scope),
        Activation.Tanh => new Tanh(scope),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
