using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// One matrix of a low-rank adapter (LoRA): A, r x C, which projects a layer's input down to rank r, or B, OC x r,
/// which projects it back up. A kind of its own (<see cref="ParameterKind.Adapter"/>) so counts report what an adapter
/// adds apart from the frozen model it adapts.
/// </summary>
/// <remarks>
/// Its fans are those of the matrix it is (fan-in = columns), so the default initializer, PyTorch's Linear default
/// (Kaiming uniform with slope √5, U(-1/√fanIn, 1/√fanIn)), is exactly what PEFT draws for A; B is declared with zeros,
/// which makes the adapted model start equal to its base. Weight decay is on, as Hugging Face's trainer applies it to
/// every matrix.
/// </remarks>
public sealed class AdapterWeight : Parameter
{
    internal AdapterWeight(ParameterStore store, string name, int rows, int columns, Initializer? initializer)
        : base(store, name, new Shape(rows, columns), new FanInfo(columns, rows), initializer)
    {
    }

    /// <inheritdoc />
    public override ParameterKind Kind => ParameterKind.Adapter;

    private protected override Initializer DefaultInitializer => Init.LinearDefault;

    private protected override bool DecaysByDefault => true;
}
