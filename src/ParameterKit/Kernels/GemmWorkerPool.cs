using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace ParameterKit.Kernels;

/// <summary>
/// A small pool of persistent background threads for GEMM. Unlike <c>Parallel.For</c> it allocates nothing per call:
/// each worker spins briefly and then sleeps on its own semaphore between calls; the caller hands out part indices of
/// one reusable <see cref="IPartitionedWork"/> (a GEMM, an optimizer sweep), runs part 0 itself, and waits for the
/// rest. One call at a time uses the pool; a call that finds it busy runs all its parts on its own thread, which gives
/// the same bits, only later.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "One pool lives as long as the process; its workers never exit.")]
internal sealed class GemmWorkerPool
{
    /// <summary>How long a waiting thread (the caller or a worker) spins before it sleeps: 100 µs in timestamp ticks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

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
    /// Spins for up to <see cref="SpinTicks"/>, since the workers' parts usually end within microseconds of the
    /// caller's, then sleeps on <see cref="doneSignal"/>. Checking <see cref="pending"/> under the monitor before waiting
    /// means the last worker's pulse cannot be missed.
    /// </summary>
    /// <remarks>
    /// The spin is timed, as the workers' is, not counted: 35 rounds of <see cref="SpinWait"/> (what
    /// <see cref="ManualResetEventSlim"/> makes) ended after a few microseconds, and a caller whose worker was a little
    /// behind (a memory-bound part shares the bus with the caller's) went to sleep and was woken through the kernel,
    /// 10-50 µs on a virtual machine, dozens of times per generated token: GPT-2 small's bf16 decoding at two threads
    /// ran 70-95 tokens/s that way against 81-103 with the timed spin (one Zen 4, pairs of runs alternating).
    /// </remarks>
    private void WaitForWorkers()
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Stopwatch.GetTimestamp() <= deadline)
        {
            if (Volatile.Read(ref pending) == 0)
            {
                return;
            }
            Thread.SpinWait(8);
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
        int remaining = Interlocked.Decrement(ref pending);
        // Below zero means a worker ran a part nobody posted (see GemmWorkerSignal): Debug builds, the tests', stop here.
        Debug.Assert(remaining >= 0, "A GEMM worker finished a part that no caller posted.");
        if (remaining == 0)
        {
            lock (doneSignal)
            {
                Monitor.PulseAll(doneSignal);
            }
        }
    }

    /// <summary>
    /// One background thread that waits to be handed a part index through its <see cref="GemmWorkerSignal"/>: first by
    /// watching it for a while, then asleep.
    /// </summary>
    /// <remarks>
    /// Generating a token is dozens of short products (a GPT-2 small layer's four matrix-vector products take 30-150 µs
    /// each on Q8_0 weights) separated by a few microseconds of serial work (a norm, one token's attention). A worker
    /// that slept between them had to be woken through the kernel each time, 10-50 µs on a virtual machine, which
    /// ate most of the second core's gain: Q8_0 decoding ran 1.05x faster on two threads than on one. So after each
    /// part the worker spins for up to <see cref="SpinTicks"/> (about 100 µs) on the ticket the caller bumps, as
    /// llama.cpp's threads spin between the operations of a graph, and only then sleeps.
    /// </remarks>
    private sealed class Worker
    {
        private readonly GemmWorkerPool pool;
        private readonly GemmWorkerSignal signal = new();
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
            signal.Post();
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = signal.WaitPast(seen, SpinTicks);
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
