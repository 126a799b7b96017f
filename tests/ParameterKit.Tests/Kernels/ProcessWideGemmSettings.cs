namespace ParameterKit.Tests.Kernels;

/// <summary>
/// Tests that change <see cref="ParameterKit.Kernels.GemmOptions"/>, which every GEMM and optimizer step in the process
/// reads. They run alone, after the parallel tests: a test that raised the degree of parallelism to 3 on a 2-core
/// machine while another test measured its allocations made that test's next call grow the shared worker pool, a
/// one-off 3 KB (a thread and its semaphore) charged to the wrong test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideGemmSettings
{
    /// <summary>The collection's name, for <c>[Collection(ProcessWideGemmSettings.Name)]</c>.</summary>
    public const string Name = "Process-wide GEMM settings";
}
