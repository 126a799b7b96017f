using System.Diagnostics;
using ParameterKit.Kernels;
using Xunit;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// The pool's hand-off between the caller and its workers, which spin for about 100 µs after each part and then sleep:
/// every part of every call runs exactly once, and <see cref="GemmWorkerPool.Run"/> returns only after all of them,
/// whether the next call comes while the workers still spin, right at the edge, or long after they went to sleep.
/// </summary>
public sealed class GemmWorkerPoolTests
{
    private sealed class CountingWork(int parts) : IPartitionedWork
    {
        public readonly int[] Runs = new int[parts];

        public void Execute(int part)
        {
            // A little work, so the caller's own part and the workers' overlap.
            Thread.SpinWait(50);
            Interlocked.Increment(ref Runs[part]);
        }
    }

    private sealed class FailingWork : IPartitionedWork
    {
        public void Execute(int part)
        {
            if (part == 1)
            {
                throw new InvalidOperationException("part 1 failed");
            }
        }
    }

    [Fact]
    public void EveryPartRunsOnceWhateverTheGapBetweenCalls()
    {
        var pool = new GemmWorkerPool();
        var random = new Random(5);
        // Gaps of none (workers still spinning), 50-150 µs (around the end of the spin) and 1 ms (asleep).
        int[] gapsMicroseconds = [0, 50, 90, 110, 150, 1000];
        for (int call = 0; call < 600; call++)
        {
            int parts = 2 + call % 3;
            var work = new CountingWork(parts);
            pool.Run(work, parts);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            WaitMicroseconds(gapsMicroseconds[random.Next(gapsMicroseconds.Length)]);
        }
    }

    [Fact]
    public void AWorkersFailureReachesTheCallerAndThePoolKeepsWorking()
    {
        var pool = new GemmWorkerPool();
        Assert.Throws<InvalidOperationException>(() => pool.Run(new FailingWork(), 2));
        var work = new CountingWork(2);
        pool.Run(work, 2);
        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
    }

    private static void WaitMicroseconds(int microseconds)
    {
        long end = Stopwatch.GetTimestamp() + Stopwatch.Frequency * microseconds / 1_000_000;
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }
}
