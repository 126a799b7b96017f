using ParameterKit.Parameters;

namespace ParameterKit.Training;

/// <summary>
/// Updates a store's trainable parameters from their gradients. State (momenta, moments) lives in buffers laid
/// out exactly like <see cref="ParameterStore.Values"/>, so each step sweeps contiguous memory with SIMD and a
/// checkpoint saves each state buffer as one tensor.
/// </summary>
/// <remarks>
/// The updates follow PyTorch's (1.13) formulas operation by operation, so one step matches
/// <c>torch.optim</c> to float rounding. Frozen parameters are skipped; weight decay applies where
/// <see cref="Parameter.ApplyWeightDecay"/> is set, which by default means Weights only, never Biases, norm
/// gains or Embeddings.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Binds the optimizer to a materialized store.</summary>
    /// <param name="store">The parameters to update.</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <exception cref="InvalidOperationException">The store is not materialized, or has no trainable parameter.</exception>
    protected Optimizer(ParameterStore store, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!store.IsMaterialized)
        {
            throw new InvalidOperationException("Materialize the store before creating an optimizer over it.");
        }
        if (!store.Parameters.Any(p => p.IsTrainable))
        {
            throw new InvalidOperationException("The store has no trainable parameter: an optimizer over it would never change anything.");
        }
        Store = store;
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public ParameterStore Store { get; }

    /// <summary>The learning rate of the next step (set it from a schedule before each step).</summary>
    public double LearningRate
    {
        get;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and not negative.");
            }
            field = value;
        }
    }

    /// <summary>How many steps have been taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Named state buffers (same layout as the store's values), for checkpoints.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, float[]>> State { get; }

    /// <summary>Applies one update to every trainable parameter from its current gradient.</summary>
    public void Step()
    {
        StepCount++;
        var parameters = Store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.IsTrainable)
            {
                Update(p, i, (int)p.Offset, (int)p.ElementCount);
            }
        }
    }

    /// <summary>Zeroes every gradient of the store (call it once per step, before the backward pass).</summary>
    public void ZeroGradients() => Store.ZeroGradients();

    /// <summary>Restores the step counter when resuming from a checkpoint.</summary>
    /// <param name="steps">The saved <see cref="StepCount"/>.</param>
    public void RestoreStepCount(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        StepCount = steps;
        OnStepCountRestored();
    }

    /// <summary>Lets an optimizer with per-parameter "first step" logic know its state buffers were restored.</summary>
    private protected virtual void OnStepCountRestored()
    {
    }

    /// <summary>Updates one parameter, whose values, gradients and state occupy [offset, offset + length) of their buffers.</summary>
    /// <param name="parameter">The parameter (for its weight-decay flag).</param>
    /// <param name="index">Its position in <see cref="ParameterStore.Parameters"/>.</param>
    /// <param name="offset">Start of the parameter in every buffer.</param>
    /// <param name="length">Its element count.</param>
    private protected abstract void Update(Parameter parameter, int index, int offset, int length);
}
