namespace ParameterKit.Kernels;

/// <summary>
/// Process-wide settings for <see cref="Gemm"/>: how many cores a call may use and how large a product must be
/// before it is worth waking them.
/// </summary>
/// <remarks>
/// Results do not depend on these settings: every element of C is computed by exactly one thread, always with
/// the same order of additions over K, so one, two or more threads give bit-identical results.
/// </remarks>
public static class GemmOptions
{
    private static int maxDegreeOfParallelism = Environment.ProcessorCount;
    private static long parallelThreshold = 1L << 22;

    /// <summary>
    /// The largest <see cref="MaxDegreeOfParallelism"/> accepted: four times <see cref="Environment.ProcessorCount"/>,
    /// and at least 64. The shared workers are threads that live as long as the process (each with its own packing
    /// buffers), and a compute-bound product gains nothing from more threads than cores, so a value such as
    /// <see cref="int.MaxValue"/> meant as "no limit" is refused rather than left to start thousands of threads.
    /// </summary>
    public static int MaxThreadLimit { get; } = Math.Max(64, 4 * Environment.ProcessorCount);

    /// <summary>
    /// The most threads one GEMM call (or one optimizer step over a large store) uses, the calling thread included.
    /// Defaults to <see cref="Environment.ProcessorCount"/>; 1 keeps every call on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than <see cref="MaxThreadLimit"/>.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            if (value > MaxThreadLimit)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"GemmOptions.MaxDegreeOfParallelism is at most {MaxThreadLimit} on this machine ({Environment.ProcessorCount} processors); " +
                    $"{Environment.ProcessorCount} uses every one.");
            }
            Volatile.Write(ref maxDegreeOfParallelism, value);
        }
    }

    /// <summary>
    /// The work, in floating-point operations (<c>2 * M * N * K</c>), below which a call stays on one thread.
    /// Waking a worker costs microseconds, so the default (about 4 million, a 128-cube product) keeps small products
    /// serial. Matrix-vector products (M = 1 or N = 1) count four times their operations: they are bound by memory
    /// bandwidth, run several times slower per operation, and gain from a second core sooner (a 768 x 768 one
    /// splits by default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static long ParallelThreshold
    {
        get => Volatile.Read(ref parallelThreshold);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref parallelThreshold, value);
        }
    }
}
