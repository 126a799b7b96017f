using System.Diagnostics;
using ParameterKit.Kernels;
using Xunit;

namespace ParameterKit.Tests.Kernels;

/// <summary>
/// The caller-to-worker hand-off of <see cref="GemmWorkerPool"/>, driven step by step so that an interleaving the
/// scheduler produces only rarely (a caller preempted in the middle of <see cref="GemmWorkerSignal.Post"/>) runs every
/// time.
/// </summary>
public sealed class GemmWorkerSignalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APostedPartWakesASleepingWorker()
    {
        var signal = new GemmWorkerSignal();
        Task<int> waiting = Task.Run(() => signal.WaitPast(0, spinTicks: 0));
        Assert.True(SpinWait.SpinUntil(() => signal.IsAsleep, Patience));
        signal.Post();
        Assert.Equal(1, await waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task ALateWakeUpFromACallerPreemptedMidPostDoesNotEndTheNextSleep()
    {
        var signal = new GemmWorkerSignal();
        // The caller's post, cut in two by a preemption: the ticket moves ...
        signal.Publish();
        // ... the spinning worker sees it at once, runs its part, and goes back to sleep waiting for the next one ...
        Assert.Equal(1, signal.WaitPast(0, spinTicks: Stopwatch.Frequency));
        Task<int> next = Task.Run(() => signal.WaitPast(1, spinTicks: 0));
        Assert.True(SpinWait.SpinUntil(() => signal.IsAsleep, Patience));
        // ... and only now does the caller finish its post, taking down the flag of that new sleep: a release for no
        // new part. The worker must look at the ticket again and sleep on, not run a part nobody posted.
        signal.WakeIfAsleep();
        Task first = await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(first == next, "the worker woke for a part nobody posted");
        Assert.True(SpinWait.SpinUntil(() => signal.IsAsleep, Patience));
        signal.Post();
        Assert.Equal(2, await next.WaitAsync(Patience));
    }
}
