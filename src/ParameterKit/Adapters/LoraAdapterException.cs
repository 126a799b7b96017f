using ParameterKit.Tensors;

namespace ParameterKit.Adapters;

/// <summary>
/// LoRA adapters do not fit the model they are attached to or loaded into: a target pattern that matches no linear
/// layer, an adapter file naming a layer the model lacks, or an adapter matrix whose shape differs from the one the
/// layer and the rank require. The message names the pattern, tensor or layer, and both shapes when shapes differ.
/// </summary>
public sealed class LoraAdapterException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The tensor, layer path or pattern the problem is about.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="expected">The shape the model requires, when shapes differ.</param>
    /// <param name="actual">The shape found, when shapes differ.</param>
    public LoraAdapterException(string name, string message, Shape? expected = null, Shape? actual = null)
        : base(message)
    {
        Name = name;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The tensor, layer path or pattern the problem is about.</summary>
    public string Name { get; }

    /// <summary>The shape the model and rank require, when the problem is a shape.</summary>
    public Shape? Expected { get; }

    /// <summary>The shape found, when the problem is a shape.</summary>
    public Shape? Actual { get; }
}
