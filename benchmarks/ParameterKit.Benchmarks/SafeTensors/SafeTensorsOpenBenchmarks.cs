using BenchmarkDotNet.Attributes;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Benchmarks.SafeTensors;

/// <summary>
/// Opening a checkpoint and reading its header and tensor infos must cost microseconds and not depend on the
/// file's size: the same 148-tensor header (GPT-2's names) in front of 1 MB and of 1 GB of data.
/// Baseline: opening the file handle and reading its first 8 bytes, the least any reader must do.
/// </summary>
/// <remarks>The data region is allocated with <c>SetLength</c> (sparse, reads as zeros): the benchmark shows it is never read.</remarks>
[MemoryDiagnoser]
[ShortInProcess]
public class SafeTensorsOpenBenchmarks
{
    private string _folder = null!;
    private string _path = null!;

    [Params(1L << 20, 1L << 30)]
    public long DataBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("pk-bench-open").FullName;
        _path = Path.Combine(_folder, "model.safetensors");
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        string[] names = [.. Enumerable.Range(0, 12).SelectMany(l => new[]
        {
            "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias",
            "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias",
        }.Select(n => $"h.{l}.{n}")), "wte.weight", "wpe.weight", "ln_f.weight", "ln_f.bias"];
        ulong perTensor = (ulong)DataBytes / (ulong)names.Length / 4 * 4;
        ulong last = (ulong)DataBytes - perTensor * (ulong)(names.Length - 1);
        for (int i = 0; i < names.Length; i++)
        {
            writer.Add(names[i], DType.F32, [(i == names.Length - 1 ? last : perTensor) / 4], _ => { });
        }
        byte[] header = writer.BuildHeader();
        using var file = new FileStream(_path, FileMode.Create);
        file.Write(header);
        file.SetLength(header.Length + DataBytes);
        _header = header;
    }

    private byte[] _header = null!;

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public int OpenHandleAndRead8Bytes()
    {
        using var handle = File.OpenHandle(_path);
        Span<byte> prefix = stackalloc byte[8];
        return RandomAccess.Read(handle, prefix, 0);
    }

    /// <summary>Validation and parsing alone, from bytes already in memory: the part of opening that is ours.</summary>
    [Benchmark]
    public int ParseHeaderFromMemory() => SafeTensorsHeader.Parse(_header, (ulong)(_header.Length + DataBytes)).Tensors.Count;

    [Benchmark]
    public ulong OpenAndReadTensorInfos()
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(_path);
        ulong elements = 0;
        foreach (SafeTensorInfo t in file.Tensors)
        {
            elements += t.ElementCount;
        }
        return elements;
    }
}
