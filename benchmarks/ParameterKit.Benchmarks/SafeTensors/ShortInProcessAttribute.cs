using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ParameterKit.Benchmarks.SafeTensors;

/// <summary>
/// A short job (3 warmups, 8 measured iterations) run in-process: the safetensors benchmarks move hundreds of
/// megabytes per operation, so a few iterations already give tight intervals, and in-process skips generating
/// and building a separate project on a machine shared with other builds.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortInProcessAttribute : Attribute, IConfigSource
{
    public ShortInProcessAttribute() => Config = ManualConfig.CreateEmpty()
        .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8));

    public IConfig Config { get; }
}
