using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Models;

/// <summary>
/// One pass at a time through a model, and none after its Dispose. A model keeps its activations and inference
/// buffers in fields, so two threads running one model at once would overwrite each other's numbers and both get wrong
/// logits without a sign; the guard turns that into an <see cref="InvalidOperationException"/> on the second thread.
/// It also holds the model's half-precision or Q8_0 weights for the pass (<see cref="ParameterStore.TryUseHeldWeights"/>),
/// so a Dispose from another thread waits for the pass to end before unmapping them instead of pulling the memory
/// from under a kernel.
/// </summary>
/// <param name="model">The guarded model, named in messages.</param>
/// <param name="store">Its parameters.</param>
internal sealed class ModelPassGuard(Module model, ParameterStore store)
{
    private int _running;

    /// <summary>Starts a pass; dispose the result (a <c>using</c>) when it ends.</summary>
    /// <exception cref="InvalidOperationException">Another thread is running a pass of the same model.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Pass Enter()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException(
                $"'{model.ErrorPath}' is already running a pass on another thread. A model holds its activations and buffers in " +
                "itself, so it runs one pass at a time: give each thread (or each chat client) its own model, or take turns.");
        }
        if (!store.TryUseHeldWeights())
        {
            Volatile.Write(ref _running, 0);
            throw new ObjectDisposedException(model.ErrorPath, "The model was disposed: its weights' file is closed.");
        }
        return new Pass(this);
    }

    private void Exit()
    {
        store.EndUseOfHeldWeights();
        Volatile.Write(ref _running, 0);
    }

    /// <summary>A running pass; ends with <see cref="Dispose"/>.</summary>
    internal readonly struct Pass(ModelPassGuard guard) : IDisposable
    {
        /// <summary>Ends the pass (and performs a Dispose asked for during it).</summary>
        public void Dispose() => guard.Exit();
    }
}
