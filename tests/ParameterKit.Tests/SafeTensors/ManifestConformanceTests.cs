using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Drives every corpus case from manifest.json: accepted files must expose exactly the tensors, bytes, first
/// values and metadata the manifest lists; rejected files must fail with the crate's error variant. The same
/// verdict must come out of the memory-mapped reader and of the header-only stream reader.
/// </summary>
public sealed class ManifestConformanceTests
{
    public static TheoryData<string> CaseFiles => Corpus.CaseFiles();

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void Memory_mapped_reader_matches_manifest(string file)
    {
        JsonElement expected = Corpus.Case(file);
        string path = Corpus.PathOf(file);
        if (expected.GetProperty("accepted").GetBoolean())
        {
            using SafeTensorsFile opened = SafeTensorsFile.Open(path);
            AssertHeaderMatches(expected, opened.Header);
            AssertDataMatches(expected, opened);
        }
        else
        {
            var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose());
            AssertRejection(expected, error, path);
        }
    }

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void Header_only_stream_reader_matches_manifest(string file)
    {
        JsonElement expected = Corpus.Case(file);
        string path = Corpus.PathOf(file);
        using FileStream stream = File.OpenRead(path);
        if (expected.GetProperty("accepted").GetBoolean())
        {
            AssertHeaderMatches(expected, SafeTensorsHeader.Read(stream, source: path));
        }
        else
        {
            var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Read(stream, source: path));
            AssertRejection(expected, error, path);
        }
    }

    private static void AssertRejection(JsonElement expected, SafeTensorsFormatException error, string path)
    {
        Assert.Equal(expected.GetProperty("expected_error").GetString(), error.Kind.ToString());
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        if (expected.GetProperty("expected_error_detail").GetString() is string tensor)
        {
            Assert.Equal(tensor, error.TensorName);
            Assert.Contains($"'{tensor}'", error.Message, StringComparison.Ordinal);
        }
    }

    private static void AssertHeaderMatches(JsonElement expected, SafeTensorsHeader header)
    {
        Assert.Equal(expected.GetProperty("header_size_field").GetUInt64(), header.HeaderLength);
        Assert.Equal(expected.GetProperty("data_start").GetUInt64(), header.DataStart);
        Assert.Equal(expected.GetProperty("file_size").GetUInt64(), header.FileLength);

        JsonElement metadata = expected.GetProperty("metadata");
        if (metadata.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(header.Metadata);
        }
        else
        {
            Assert.NotNull(header.Metadata);
            var expectedPairs = metadata.EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToList();
            Assert.Equal(expectedPairs, header.Metadata!.Select(p => (p.Key, p.Value)).ToList());
        }

        JsonElement[] tensors = [.. expected.GetProperty("tensors").EnumerateArray()];
        Assert.Equal(tensors.Length, header.Tensors.Count);
        for (int i = 0; i < tensors.Length; i++)
        {
            JsonElement t = tensors[i];
            SafeTensorInfo info = header.Tensors[i];
            Assert.Equal(t.GetProperty("name").GetString(), info.Name);
            Assert.Equal(t.GetProperty("dtype").GetString(), info.DType.SafeTensorsName());
            Assert.Equal(t.GetProperty("shape").EnumerateArray().Select(d => d.GetUInt64()).ToArray(), info.Dimensions.ToArray());
            ulong[] offsets = [.. t.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetUInt64())];
            Assert.Equal(offsets, new[] { info.Begin, info.End });
            Assert.Equal(t.GetProperty("byte_length").GetUInt64(), info.ByteLength);
            Assert.Same(info, header.GetTensor(info.Name));
        }
    }

    private const ulong Window = 1 << 30;

    private static void AssertDataMatches(JsonElement expected, SafeTensorsFile file)
    {
        JsonElement[] tensors = [.. expected.GetProperty("tensors").EnumerateArray()];
        for (int i = 0; i < tensors.Length; i++)
        {
            JsonElement t = tensors[i];
            SafeTensorInfo info = file.Tensors[i];
            // Hash in windows: a generated large case may hold a tensor bigger than one span.
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (ulong start = 0; start < info.ByteLength; start += Window)
            {
                sha.AppendData(file.GetBytes(info, start, (int)Math.Min(Window, info.ByteLength - start)));
            }
            Assert.Equal(t.GetProperty("sha256").GetString(), Convert.ToHexStringLower(sha.GetHashAndReset()));
            if (t.GetProperty("first_values_bits").ValueKind == JsonValueKind.Null)
            {
                Assert.False(ElementConversion.CanConvertToSingle(info.DType));
                continue;
            }
            int size = info.DType.BitSize() / 8;
            int firstCount = (int)Math.Min(info.ElementCount, 8);
            AssertFirstValues(info, file.GetBytes(info, 0, firstCount * size), t);
        }
    }

    private static void AssertFirstValues(SafeTensorInfo info, ReadOnlySpan<byte> bytes, JsonElement t)
    {
        int size = info.DType.BitSize() / 8;
        string[] bits = [.. t.GetProperty("first_values_bits").EnumerateArray().SelectMany(Flatten)];
        int components = info.DType == DType.C64 ? 2 : 1;
        int componentSize = size / components;
        for (int k = 0; k < bits.Length; k++)
        {
            ulong raw = 0;
            for (int b = componentSize - 1; b >= 0; b--)
            {
                raw = (raw << 8) | bytes[k * componentSize + b];
            }
            Assert.Equal(ulong.Parse(bits[k].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture), raw);
        }
        if (!ElementConversion.CanConvertToSingle(info.DType))
        {
            return;
        }
        var converted = new float[bytes.Length / size];
        ElementConversion.ToSingle(info.DType, bytes, converted);
        JsonElement[] values = [.. t.GetProperty("first_values").EnumerateArray()];
        for (int k = 0; k < values.Length; k++)
        {
            float want = ExpectedSingle(info.DType, values[k]);
            if (float.IsNaN(want))
            {
                Assert.True(float.IsNaN(converted[k]), $"{info.Name}[{k}] should be NaN, got {converted[k]}");
            }
            else
            {
                Assert.Equal(want, converted[k]);
            }
        }
    }

    private static IEnumerable<string> Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().Select(x => x.GetString()!)
        : [e.GetString()!];

    /// <summary>The manifest's decoded value, rounded to float32 the way the conversion must round it.</summary>
    private static float ExpectedSingle(DType dtype, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() switch
            {
                "NaN" => float.NaN,
                "Infinity" => float.PositiveInfinity,
                "-Infinity" => float.NegativeInfinity,
                var s => throw new InvalidDataException($"unexpected value {s}"),
            };
        }
        string text = value.GetRawText();
        return dtype switch
        {
            DType.Bool => BigInteger.Parse(text, CultureInfo.InvariantCulture).IsZero ? 0f : 1f,
            DType.U8 or DType.U16 or DType.U32 or DType.U64 => (float)ulong.Parse(text, CultureInfo.InvariantCulture),
            DType.I8 or DType.I16 or DType.I32 or DType.I64 => (float)long.Parse(text, CultureInfo.InvariantCulture),
            _ => (float)double.Parse(text, CultureInfo.InvariantCulture),
        };
    }
}
