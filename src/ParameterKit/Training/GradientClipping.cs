using System.Numerics.Tensors;
using ParameterKit.Parameters;

namespace ParameterKit.Training;

/// <summary>
/// Gradient norms and clipping over the trainable parameters of a <see cref="ParameterStore"/>, with PyTorch's
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> semantics. Frozen parameters are neither
/// measured nor changed; a tied parameter is counted once (the store lists it once).
/// </summary>
/// <remarks>
/// Determinism: the squared norm is summed per parameter in declaration order, each parameter in blocks of
/// 1,024 values whose SIMD float sums of squares are added in double. The blocks keep float rounding local (a
/// 38-million-value embedding summed in float lanes alone would lose about four digits), and the fixed order
/// makes the result identical run after run on a machine. Nothing here allocates: the parameters are walked by
/// index because enumerating an <see cref="IReadOnlyList{T}"/> would box its enumerator on every call.
/// </remarks>
public static class GradientClipping
{
    /// <summary>Values summed in float (with SIMD) before the partial sum joins the double total.</summary>
    private const int BlockLength = 1024;

    /// <summary>
    /// The global L2 norm <c>sqrt(Σ_p Σ_i g_{p,i}²)</c> of every trainable parameter's gradient.
    /// </summary>
    /// <param name="store">A materialized store.</param>
    /// <returns>The norm as float; NaN or +∞ when a gradient holds one (or the sum overflows float).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ParameterNotMaterializedException">The store has trainable parameters but is not materialized.</exception>
    public static float GlobalNorm(ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        double sumOfSquares = 0;
        var parameters = store.Parameters;
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (!parameter.IsTrainable)
            {
                continue;
            }
            ReadOnlySpan<float> g = parameter.GradientForSweep;
            for (int start = 0; start < g.Length; start += BlockLength)
            {
                sumOfSquares += TensorPrimitives.SumOfSquares(g.Slice(start, Math.Min(BlockLength, g.Length - start)));
            }
        }
        return (float)Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Scales every trainable gradient so the global norm is at most <paramref name="maxNorm"/>, exactly as
    /// <c>clip_grad_norm_(parameters, max_norm)</c>: with n = <see cref="GlobalNorm"/> and
    /// <c>coef = maxNorm / (n + 1e-6)</c> (in float), gradients are multiplied by coef only when coef &lt; 1.
    /// </summary>
    /// <remarks>
    /// A non-finite norm (a NaN or infinite gradient) is returned and nothing is scaled. PyTorch 1.13 (with
    /// <c>error_if_nonfinite=False</c>) would multiply by the NaN coefficient and turn every gradient into NaN;
    /// leaving them alone lets the caller report which parameter went non-finite, and the caller should skip
    /// the optimizer step either way.
    /// </remarks>
    /// <param name="store">A materialized store.</param>
    /// <param name="maxNorm">The largest allowed global norm; positive.</param>
    /// <returns>The global norm before clipping (what PyTorch returns and what training logs).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive (or is NaN).</exception>
    /// <exception cref="ParameterNotMaterializedException">The store has trainable parameters but is not materialized.</exception>
    public static float ClipByGlobalNorm(ParameterStore store, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(maxNorm > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");
        }
        float norm = GlobalNorm(store);
        if (!float.IsFinite(norm))
        {
            return norm;
        }
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            var parameters = store.Parameters;
            for (int p = 0; p < parameters.Count; p++)
            {
                var parameter = parameters[p];
                if (parameter.IsTrainable)
                {
                    var g = parameter.GradientForSweep;
                    TensorPrimitives.Multiply(g, coefficient, g);
                }
            }
        }
        return norm;
    }

    /// <summary>
    /// Clamps every trainable gradient element to [−<paramref name="limit"/>, <paramref name="limit"/>], as
    /// <c>clip_grad_value_(parameters, clip_value=limit)</c>. NaN gradients stay NaN.
    /// </summary>
    /// <param name="store">A materialized store.</param>
    /// <param name="limit">The largest allowed magnitude; non-negative (+∞ leaves gradients unchanged).</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    /// <exception cref="ParameterNotMaterializedException">The store has trainable parameters but is not materialized.</exception>
    public static void ClipByValue(ParameterStore store, float limit)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(limit >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The clip limit must be non-negative.");
        }
        var parameters = store.Parameters;
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (parameter.IsTrainable)
            {
                var g = parameter.GradientForSweep;
                TensorPrimitives.Clamp(g, -limit, limit, g);
            }
        }
    }

    /// <summary>
    /// The first trainable parameter, in declaration order, whose gradient holds a NaN or an infinity: what a
    /// training loop reports when the norm or the loss goes non-finite.
    /// </summary>
    /// <param name="store">A materialized store.</param>
    /// <returns>The parameter, or null when every trainable gradient is finite.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ParameterNotMaterializedException">The store has trainable parameters but is not materialized.</exception>
    public static Parameter? FirstNonFiniteGradient(ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var parameters = store.Parameters;
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (parameter.IsTrainable && !TensorPrimitives.IsFiniteAll<float>(parameter.GradientForSweep))
            {
                return parameter;
            }
        }
        return null;
    }
}
