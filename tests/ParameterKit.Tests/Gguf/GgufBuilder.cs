using System.Text;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Writes GGUF bytes by hand, field by field, for the hostile and edge cases llama.cpp's writer refuses to make:
/// every field can be given any value, and <see cref="Build"/> lays out the data section honestly unless told not to.
/// </summary>
internal sealed class GgufBuilder
{
    private readonly List<byte> _keyValues = [];
    private readonly List<(string Name, ulong[] Dims, uint Type, ulong? Offset, int Bytes)> _tensors = [];
    private int _keyValueCount;

    public uint Version { get; set; } = 3;

    public uint Alignment { get; set; } = 32;

    /// <summary>Overrides the tensor count written in the header.</summary>
    public ulong? TensorCount { get; set; }

    /// <summary>Overrides the key-value count written in the header.</summary>
    public ulong? KeyValueCount { get; set; }

    public GgufBuilder KeyValue(string key, uint type, byte[] value)
    {
        using var entry = new MemoryStream();
        using var w = new BinaryWriter(entry);
        WriteString(w, key);
        w.Write(type);
        w.Write(value);
        w.Flush();
        _keyValues.AddRange(entry.ToArray());
        _keyValueCount++;
        return this;
    }

    public GgufBuilder UInt32(string key, uint value) => KeyValue(key, 4, BitConverter.GetBytes(value));

    public GgufBuilder String(string key, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return KeyValue(key, 8, [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes]);
    }

    /// <summary>An array of strings (GGUF type 9 of element type 8), as a tokenizer's vocabulary or merges are stored.</summary>
    public GgufBuilder StringArray(string key, IReadOnlyList<string> values)
    {
        using var value = new MemoryStream();
        using var w = new BinaryWriter(value);
        w.Write(8u);
        w.Write((ulong)values.Count);
        foreach (string item in values)
        {
            WriteString(w, item);
        }
        w.Flush();
        return KeyValue(key, 9, value.ToArray());
    }

    /// <summary>An array of INT32 (GGUF type 9 of element type 5), as <c>tokenizer.ggml.token_type</c> is stored.</summary>
    public GgufBuilder Int32Array(string key, IReadOnlyList<int> values)
    {
        byte[] value = [.. BitConverter.GetBytes(5u), .. BitConverter.GetBytes((ulong)values.Count), .. values.SelectMany(BitConverter.GetBytes)];
        return KeyValue(key, 9, value);
    }

    /// <summary>An array of FLOAT32 (GGUF type 9 of element type 6), as <c>tokenizer.ggml.scores</c> is stored.</summary>
    public GgufBuilder Float32Array(string key, IReadOnlyList<float> values)
    {
        byte[] value = [.. BitConverter.GetBytes(6u), .. BitConverter.GetBytes((ulong)values.Count), .. values.SelectMany(BitConverter.GetBytes)];
        return KeyValue(key, 9, value);
    }

    /// <summary>Adds a tensor; its data (zeros) is laid out after the previous one unless <paramref name="offset"/> is given.</summary>
    public GgufBuilder Tensor(string name, ulong[] dims, uint type = 0, ulong? offset = null, int? bytes = null)
    {
        ulong elements = dims.Aggregate(1UL, (a, b) => a * b);
        ulong natural = type switch { 0 => elements * 4, 1 or 30 => elements * 2, 8 => elements / 32 * 34, 2 => elements / 32 * 18, _ => 0UL };
        int size = bytes ?? (int)natural;
        _tensors.Add((name, dims, type, offset, size));
        return this;
    }

    public byte[] Build(int trailingBytes = 0)
    {
        using var s = new MemoryStream();
        using var w = new BinaryWriter(s);
        w.Write("GGUF"u8);
        w.Write(Version);
        w.Write(TensorCount ?? (ulong)_tensors.Count);
        w.Write(KeyValueCount ?? (ulong)_keyValueCount);
        w.Write([.. _keyValues]);
        ulong next = 0;
        foreach (var t in _tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Dims.Length);
            foreach (ulong d in t.Dims)
            {
                w.Write(d);
            }
            w.Write(t.Type);
            w.Write(t.Offset ?? next);
            next += ((ulong)t.Bytes + Alignment - 1) / Alignment * Alignment;
        }
        while (s.Length % Alignment != 0)
        {
            w.Write((byte)0);
        }
        w.Write(new byte[(int)next]);
        w.Write(new byte[trailingBytes]);
        w.Flush();
        return s.ToArray();
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
