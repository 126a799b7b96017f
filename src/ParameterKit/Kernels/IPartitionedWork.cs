namespace ParameterKit.Kernels;

/// <summary>
/// Work split into a fixed number of parts that <see cref="GemmWorkerPool"/> runs in parallel. A fixed split means
/// each part always covers the same elements, which is what makes the results deterministic for a thread count.
/// </summary>
internal interface IPartitionedWork
{
    /// <summary>Runs part <paramref name="part"/>; parts touch disjoint memory.</summary>
    void Execute(int part);
}
