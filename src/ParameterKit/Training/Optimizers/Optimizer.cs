using ParameterKit.Kernels;
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
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, NaN, infinite, or too large for float.</exception>
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
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN, infinite, or too large for float.</exception>
    public double LearningRate
    {
        get;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and not negative.");
            }
            // The kernels compute in float: 1e300 is finite as a double but becomes infinity there, and every
            // parameter with it.
            if (value > float.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"The learning rate {value:G6} is finite as a double but overflows float (largest {float.MaxValue:G6}), in which the optimizer computes.");
            }
            field = value;
        }
    }

    /// <summary>How many steps have been taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Named state buffers (same layout as the store's values), for checkpoints.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, float[]>> State { get; }

    /// <summary>Stores below this many values are updated on the calling thread: splitting costs more than it saves.</summary>
    internal const long ParallelThreshold = 1 << 20;

    /// <summary>
    /// Applies one update to every trainable parameter from its current gradient. Large stores are swept by up to
    /// <see cref="GemmOptions.MaxDegreeOfParallelism"/> threads, each over a fixed range of the buffers; the update
    /// is element-wise, so the result is the same bits for any thread count.
    /// </summary>
    public void Step()
    {
        StepCount++;
        PrepareStep();
        int parts = Store.ElementCount >= ParallelThreshold ? Math.Max(1, GemmOptions.MaxDegreeOfParallelism) : 1;
        if (parts == 1)
        {
            UpdateRange(0, Store.ElementCount);
            return;
        }
        _sweep ??= new Sweep(this);
        _sweep.Parts = parts;
        GemmWorkerPool.Shared.Run(_sweep, parts);
    }

    /// <summary>Runs before a step's sweep, on the calling thread, for state decided once per parameter and step.</summary>
    private protected virtual void PrepareStep()
    {
    }

    /// <summary>Updates the trainable elements in [start, end) of the buffers, parameter by parameter.</summary>
    private void UpdateRange(long start, long end)
    {
        var parameters = Store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            long from = Math.Max(start, p.Offset), to = Math.Min(end, p.Offset + p.ElementCount);
            if (p.IsTrainable && from < to)
            {
                Update(p, i, (int)from, (int)(to - from));
            }
        }
    }

    private Sweep? _sweep;

    /// <summary>Part p of a parallel step: a fixed, 64-value-aligned slice of the buffers.</summary>
    private sealed class Sweep(Optimizer optimizer) : IPartitionedWork
    {
        public int Parts { get; set; }

        public void Execute(int part)
        {
            long total = optimizer.Store.ElementCount;
            long start = Align(total * part / Parts), end = part == Parts - 1 ? total : Align(total * (part + 1) / Parts);
            optimizer.UpdateRange(start, end);
        }

        private static long Align(long index) => index & ~63L;
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

    /// <summary>Updates elements [offset, offset + length) of the buffers, all inside one parameter (a step may split a parameter across threads).</summary>
    /// <param name="parameter">The parameter (for its weight-decay flag).</param>
    /// <param name="index">Its position in <see cref="ParameterStore.Parameters"/>.</param>
    /// <param name="offset">Start of the parameter in every buffer.</param>
    /// <param name="length">Its element count.</param>
    private protected abstract void Update(Parameter parameter, int index, int offset, int length);
}
