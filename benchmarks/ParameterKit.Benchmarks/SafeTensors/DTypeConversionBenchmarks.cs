using BenchmarkDotNet.Attributes;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Benchmarks.SafeTensors;

/// <summary>
/// bf16/f16 to float32 at memory bandwidth: 16 Mi elements (32 MiB in, 64 MiB out, far beyond cache).
/// Baseline: <c>Span.CopyTo</c> of the 64 MiB the conversion writes; a copy of the 32 MiB it reads is shown
/// too. Goal: conversions within 1.5x of the baseline copy.
/// </summary>
[MemoryDiagnoser]
[ShortInProcess]
public class DTypeConversionBenchmarks
{
    private const int N = 16 << 20;
    private byte[] _sixteenBit = null!;
    private float[] _floats = null!;
    private float[] _destination = null!;
    private byte[] _narrow = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _floats = new float[N];
        for (int i = 0; i < N; i++)
        {
            _floats[i] = (float)(random.NextDouble() * 2 - 1);
        }
        _sixteenBit = new byte[2 * N];
        BFloat16Conversion.FromSingle(_floats, _sixteenBit);
        _destination = new float[N];
        _narrow = new byte[2 * N];
    }

    [Benchmark(Baseline = true)]
    public void CopyTo_64MiB() => _floats.AsSpan().CopyTo(_destination);

    [Benchmark]
    public void CopyTo_32MiB() => _sixteenBit.AsSpan().CopyTo(_narrow);

    [Benchmark]
    public void BFloat16ToSingle() => BFloat16Conversion.ToSingle(_sixteenBit, _destination);

    [Benchmark]
    public void HalfToSingle() => HalfConversion.ToSingle(_sixteenBit, _destination);

    [Benchmark]
    public void SingleToBFloat16() => BFloat16Conversion.FromSingle(_floats, _narrow);
}
