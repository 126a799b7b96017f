using ParameterKit.Parameters;

namespace ParameterKit.Training;

/// <summary>
/// Adam (Kingma &amp; Ba) as <c>torch.optim.Adam</c>, with L2 weight decay coupled into the gradient
/// (g ← g + λp). For decoupled decay, the usual choice for transformers, use <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// One fused pass per parameter over values, gradients and both moments:
/// m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²; p ← p - (lr / (1-β₁ᵗ))·m / (√v / √(1-β₂ᵗ) + ε).
/// </remarks>
public class Adam : Optimizer
{
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The materialized parameters.</param>
    /// <param name="learningRate">lr (PyTorch's default 1e-3).</param>
    /// <param name="beta1">β₁: decay of the first moment.</param>
    /// <param name="beta2">β₂: decay of the second moment.</param>
    /// <param name="epsilon">ε, added to the denominator.</param>
    /// <param name="weightDecay">λ, applied to parameters with <see cref="Parameter.ApplyWeightDecay"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A β outside [0, 1), or a negative ε or λ.</exception>
    public Adam(ParameterStore store, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(store, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        }
        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _firstMoment = new float[store.ElementCount];
        _secondMoment = new float[store.ElementCount];
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether weight decay is decoupled from the gradient (AdamW) rather than added to it as L2.</summary>
    private protected virtual bool DecoupledDecay => false;

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, float[]>> State =>
        [new("exp_avg", _firstMoment), new("exp_avg_sq", _secondMoment)];

    private protected override void Update(Parameter parameter, int index, int offset, int length)
    {
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        float decay = parameter.ApplyWeightDecay ? (float)WeightDecay : 0f;
        var coefficients = new AdamCoefficients(
            StepSize: (float)(LearningRate / biasCorrection1),
            InverseSqrtBiasCorrection2: (float)(1 / Math.Sqrt(biasCorrection2)),
            Beta1: (float)Beta1,
            Beta2: (float)Beta2,
            Epsilon: (float)Epsilon,
            CoupledDecay: DecoupledDecay ? 0f : decay,
            DecoupledShrink: DecoupledDecay ? (float)(1 - LearningRate * decay) : 1f);
        AdamKernel.Update(
            Store.Values.Slice(offset, length), Store.GradientsForSweep.Slice(offset, length),
            _firstMoment.AsSpan(offset, length), _secondMoment.AsSpan(offset, length), coefficients);
    }
}
