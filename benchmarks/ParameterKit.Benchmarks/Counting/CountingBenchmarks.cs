using ParameterKit.Models.Llama;
using BenchmarkDotNet.Attributes;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;

namespace ParameterKit.Benchmarks.Counting;

/// <summary>
/// Counting from declarations alone. The bar: GPT-3 175B declared and counted in under 50 ms and
/// under 50 MB of managed memory; counting an already-declared store allocates nothing.
/// Baseline: declaring GPT-2 small, the smallest model of the family, in the same run.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CountingBenchmarks
{
    private ParameterStore _gpt3 = null!;

    [GlobalSetup]
    public void Setup() => _gpt3 = Gpt2Config.Gpt3.Declare();

    [Benchmark(Baseline = true)]
    public long DeclareAndCountGpt2Small() => Gpt2Config.Small.Declare().Count().Total;

    [Benchmark]
    public long DeclareAndCountGpt3() => Gpt2Config.Gpt3.Declare().Count().Total;

    [Benchmark]
    public long DeclareAndCountLlama2With7B() => LlamaConfig.Llama2With7B.Declare().Count().Total;

    [Benchmark]
    public long CountDeclaredGpt3() => _gpt3.Count().Total;

    [Benchmark]
    public int SummarizeGpt3Depth2() => _gpt3.Summary(depth: 2).Rows.Count;
}
