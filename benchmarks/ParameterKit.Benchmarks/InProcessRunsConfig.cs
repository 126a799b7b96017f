using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ParameterKit.Benchmarks;

/// <summary>
/// The job of benchmarks whose every run is one long invocation (a model load, a generation, a training step): in-process,
/// so a model of hundreds of MB is built once per case rather than in a generated project on a shared machine; one
/// warm-up, <c>iterations</c> measured runs of one invocation each, and a time limit (an hour) that a slow case on a busy
/// host stays inside. Each benchmark class nests a one-line subclass naming its run count.
/// </summary>
internal abstract class InProcessRunsConfig : ManualConfig
{
    /// <summary>Adds the job with <paramref name="iterations"/> measured runs.</summary>
    protected InProcessRunsConfig(int iterations) =>
        AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(60), logOutput: true))
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(iterations).WithInvocationCount(1).WithUnrollFactor(1));
}
