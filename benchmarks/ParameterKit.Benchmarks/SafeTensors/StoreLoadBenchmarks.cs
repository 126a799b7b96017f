using BenchmarkDotNet.Attributes;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;

namespace ParameterKit.Benchmarks.SafeTensors;

/// <summary>
/// Loading a 500 MB float32 checkpoint (20 tensors of 1250 x 5000) into a materialized store: open, match
/// names, copy every tensor into the store's buffer. Baseline: <c>Span.CopyTo</c> of the same 500 MB between
/// two managed arrays. Goal: within 1.5x of the copy. The file stays in the page cache between iterations,
/// as it does when a model is reloaded.
/// </summary>
[MemoryDiagnoser]
[ShortInProcess]
public class StoreLoadBenchmarks
{
    private const int Tensors = 20, Rows = 1250, Cols = 5000;
    private string _folder = null!;
    private string _path = null!;
    private ParameterStore _store = null!;
    private float[] _source = null!;
    private float[] _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("pk-bench-load").FullName;
        _path = Path.Combine(_folder, "model.safetensors");
        _store = new ParameterStore();
        for (int i = 0; i < Tensors; i++)
        {
            _store.Scope("layers").Scope(i).Weight(Rows, Cols);
        }
        _store.Materialize(seed: 1);
        _store.Save(_path);
        _source = _store.Values.ToArray();
        _target = new float[_source.Length];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public void CopyTo_500MB() => _source.AsSpan().CopyTo(_target);

    [Benchmark]
    public int LoadIntoStore() => _store.Load(_path).Loaded.Count;
}
