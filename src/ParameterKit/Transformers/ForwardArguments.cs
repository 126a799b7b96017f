using ParameterKit.Tensors;

namespace ParameterKit.Transformers;

/// <summary>The argument checks every <see cref="ICausalLanguageModel.Forward"/> makes, written once.</summary>
internal static class ForwardArguments
{
    /// <summary>Checks B and T against the context and the buffers against B·T and B·T·V; returns B·T.</summary>
    /// <exception cref="ArgumentOutOfRangeException">B or T is not positive, or T exceeds <paramref name="context"/>.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="ids"/> or <paramref name="logits"/> has the wrong length.</exception>
    /// <remarks>The model's name for the error is read only when there is one: <see cref="Modules.Module.ErrorPath"/> asks the
    /// type for its name, which can allocate, and this runs on every forward of a training step that must allocate nothing.</remarks>
    public static int Check(Modules.Module model, ReadOnlySpan<int> ids, int batch, int tokens, int context, int vocabulary, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, context);
        int rows = batch * tokens;
        if (ids.Length != rows || logits.Length != (long)rows * vocabulary)
        {
            throw new ShapeMismatchException(model.ErrorPath, new Shape(batch, tokens, vocabulary), new Shape(ids.Length, logits.Length),
                $"ids must hold B·T = {rows} values (it has {ids.Length}) and logits B·T·V = {(long)rows * vocabulary} (it has {logits.Length})");
        }
        return rows;
    }
}
