using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace ParameterKit.Kernels;

/// <summary>
/// How a caller tells one <see cref="GemmWorkerPool"/> worker that a part is waiting: a ticket the caller bumps, which
/// the worker watches for a while and then sleeps on a semaphore. Allocation-free after construction.
/// </summary>
/// <remarks>
/// <para>
/// The hand-off needs no lock. The worker raises <see cref="sleeping"/> before its last look at the ticket; the caller
/// bumps the ticket before it takes the flag down. Whichever of the two first swaps the flag from 1 to 0 decides
/// whether the semaphore is released (the caller, for a worker that went to sleep) or not (the worker, that saw the
/// ticket move in time).
/// </para>
/// <para>
/// A wake-up proves nothing about the ticket, so the worker looks again after every one. A caller can be preempted
/// between its two steps for longer than the worker spins (a 2-core machine running more threads than cores). The
/// worker then sees the bump, runs its part, finishes, and goes back to sleep. Only then does the late caller take the
/// flag from that new sleep and release it. Trusting that release, the worker once ran a part nobody had posted: it
/// counted it against the next call's parts, which let that call return before its own part was written. The same late
/// part could also write into a caller's buffers after that call had returned. Seen once in CI, as rows of C still NaN.
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "A signal lives as long as its worker, which lives as long as the process.")]
internal sealed class GemmWorkerSignal
{
    private readonly SemaphoreSlim wake = new(0);
    private int ticket;
    private int sleeping;

    /// <summary>Whether the worker has raised its flag to sleep and nobody has taken it down yet (for tests).</summary>
    internal bool IsAsleep => Volatile.Read(ref sleeping) == 1;

    /// <summary>The caller's side: one more part is waiting.</summary>
    public void Post()
    {
        Publish();
        WakeIfAsleep();
    }

    /// <summary>First step of <see cref="Post"/>: moves the ticket the worker watches.</summary>
    internal void Publish() => Interlocked.Increment(ref ticket);

    /// <summary>Second step of <see cref="Post"/>: releases the worker if it went to sleep.</summary>
    internal void WakeIfAsleep()
    {
        if (Interlocked.Exchange(ref sleeping, 0) == 1)
        {
            wake.Release();
        }
    }

    /// <summary>
    /// The worker's side: returns the ticket once it differs from <paramref name="seen"/>, spinning for up to
    /// <paramref name="spinTicks"/> (timestamp ticks) and then asleep.
    /// </summary>
    public int WaitPast(int seen, long spinTicks)
    {
        long deadline = Stopwatch.GetTimestamp() + spinTicks;
        int current;
        while ((current = Volatile.Read(ref ticket)) == seen)
        {
            if (Stopwatch.GetTimestamp() <= deadline)
            {
                Thread.SpinWait(8);
            }
            else
            {
                Sleep(seen);
            }
        }
        return current;
    }

    /// <summary>Sleeps until a release: usually the caller's for a new ticket, sometimes a late one (see the remarks).</summary>
    private void Sleep(int seen)
    {
        Interlocked.Exchange(ref sleeping, 1);
        if (Volatile.Read(ref ticket) == seen)
        {
            // No part yet: whoever takes the flag down releases us.
            wake.Wait();
        }
        else if (Interlocked.Exchange(ref sleeping, 0) == 0)
        {
            // The part arrived between the flag and the look, and a caller took the flag first: its release is on its
            // way (or done). Take it now, so it cannot end a later sleep early.
            wake.Wait();
        }
    }
}
