using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace ParameterKit.Kernels;

/// <summary>
/// A small pool of persistent background threads for GEMM. Unlike <c>Parallel.For</c> it allocates nothing
/// per call: each worker owns a semaphore it sleeps on, the caller hands out part indices of one reusable
/// <see cref="IPartitionedWork"/> (a GEMM, an optimizer sweep), runs part 0 itself, and waits for the rest. One call at a time uses the pool; a
/// call that finds it busy runs all its parts on its own thread, which gives the same bits, only later.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "One pool lives as long as the process; its workers never exit.")]
internal sealed class GemmWorkerPool
{
    /// <summary>The spins <see cref="ManualResetEventSlim"/> makes on a multi-core machine before it blocks.</summary>
    private const int SpinsBeforeSleeping = 35;

    private readonly Lock gate = new();
    // The caller waits for its workers on this object's monitor, created here rather than on first need:
    // ManualResetEventSlim creates its lock object lazily the first time a wait has to block, a one-off
    // allocation that can land in any call, long after warm-up.
    private readonly object doneSignal = new();
    private Worker[] workers = [];
    private IPartitionedWork? task;
    private int pending;
    private ExceptionDispatchInfo? failure;

    /// <summary>The process-wide pool.</summary>
    public static GemmWorkerPool Shared { get; } = new();

    /// <summary>Runs parts 0 .. <paramref name="parts"/> - 1 of <paramref name="work"/>, in parallel when the pool is free.</summary>
    public void Run(IPartitionedWork work, int parts)
    {
        if (parts <= 1 || !gate.TryEnter())
        {
            for (int part = 0; part < parts; part++)
            {
                work.Execute(part);
            }
            return;
        }
        try
        {
            EnsureWorkers(parts - 1);
            task = work;
            failure = null;
            Volatile.Write(ref pending, parts - 1);
            for (int part = 1; part < parts; part++)
            {
                workers[part - 1].Start(part);
            }
            try
            {
                work.Execute(0);
            }
            finally
            {
                WaitForWorkers();
            }
            failure?.Throw();
        }
        finally
        {
            task = null;
            gate.Exit();
        }
    }

    private void EnsureWorkers(int count)
    {
        if (workers.Length >= count)
        {
            return;
        }
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int i = workers.Length; i < count; i++)
        {
            grown[i] = new Worker(this);
        }
        workers = grown;
    }

    /// <summary>
    /// Spins briefly, since the workers' parts usually end within microseconds of the caller's, then sleeps on
    /// <see cref="doneSignal"/>. Checking <see cref="pending"/> under the monitor before waiting means the last
    /// worker's pulse cannot be missed.
    /// </summary>
    private void WaitForWorkers()
    {
        var spinner = new SpinWait();
        while (spinner.Count < SpinsBeforeSleeping)
        {
            if (Volatile.Read(ref pending) == 0)
            {
                return;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        lock (doneSignal)
        {
            while (Volatile.Read(ref pending) != 0)
            {
                Monitor.Wait(doneSignal);
            }
        }
    }

    private void Finish(Exception? error)
    {
        if (error != null)
        {
            failure = ExceptionDispatchInfo.Capture(error);
        }
        if (Interlocked.Decrement(ref pending) == 0)
        {
            lock (doneSignal)
            {
                Monitor.PulseAll(doneSignal);
            }
        }
    }

    /// <summary>One background thread that sleeps until it is handed a part index.</summary>
    [SuppressMessage("Design", "CA1001", Justification = "A worker lives as long as the process.")]
    private sealed class Worker
    {
        private readonly GemmWorkerPool pool;
        private readonly SemaphoreSlim wake = new(0);
        private int part;

        public Worker(GemmWorkerPool pool)
        {
            this.pool = pool;
            var thread = new Thread(Loop) { IsBackground = true, Name = "ParameterKit GEMM worker" };
            thread.Start();
        }

        public void Start(int part)
        {
            this.part = part;
            wake.Release();
        }

        private void Loop()
        {
            while (true)
            {
                wake.Wait();
                Exception? error = null;
                try
                {
                    pool.task!.Execute(part);
                }
#pragma warning disable CA1031 // The failure is captured and rethrown on the calling thread.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    error = e;
                }
                pool.Finish(error);
            }
        }
    }
}
