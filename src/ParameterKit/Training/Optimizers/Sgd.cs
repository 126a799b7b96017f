using ParameterKit.Parameters;

namespace ParameterKit.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay, as
/// <c>torch.optim.SGD</c>: d ← g + λp; b ← μb + (1 - τ)d (b = d on the first step); d ← d + μb (Nesterov) or b;
/// p ← p - lr·d.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[]? _momentum;
    private readonly bool[] _started;
    private readonly bool[] _firstThisStep;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="store">The materialized parameters.</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="momentum">μ (0 for plain SGD).</param>
    /// <param name="dampening">τ.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="weightDecay">λ, applied to parameters with <see cref="Parameter.ApplyWeightDecay"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A coefficient is negative.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum, or with dampening.</exception>
    public Sgd(ParameterStore store, double learningRate, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base(store, learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening.", nameof(nesterov));
        }
        Momentum = (float)momentum;
        Dampening = (float)dampening;
        Nesterov = nesterov;
        WeightDecay = (float)weightDecay;
        _momentum = momentum > 0 ? new float[store.ElementCount] : null;
        _started = new bool[store.Parameters.Count];
        _firstThisStep = new bool[store.Parameters.Count];
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>τ.</summary>
    public float Dampening { get; }

    /// <summary>Whether the update looks ahead along the momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, float[]>> State =>
        _momentum is null ? [] : [new("momentum_buffer", _momentum)];

    private protected override void Update(Parameter parameter, int index, int offset, int length)
    {
        Span<float> p = Store.Values.Slice(offset, length);
        ReadOnlySpan<float> g = Store.GradientsForSweep.Slice(offset, length);
        float lr = (float)LearningRate, decay = parameter.ApplyWeightDecay ? WeightDecay : 0f;
        if (_momentum is null)
        {
            SgdKernels.Plain(p, g, lr, decay);
            return;
        }
        bool first = _firstThisStep[index];
        SgdKernels.WithMomentum(p, g, _momentum.AsSpan(offset, length), lr, decay, Momentum, first ? 0f : 1f - Dampening, first, Nesterov);
    }

    /// <summary>Decides, once per step and before any thread runs, which momentum buffers start this step.</summary>
    private protected override void PrepareStep()
    {
        var parameters = Store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            _firstThisStep[i] = parameters[i].IsTrainable && !_started[i];
            _started[i] |= parameters[i].IsTrainable;
        }
    }

    /// <summary>After a resume past step 0 the momentum buffers hold real history, so no parameter starts afresh.</summary>
    private protected override void OnStepCountRestored() => _started.AsSpan().Fill(StepCount > 0);
}
