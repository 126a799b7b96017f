using System.Buffers.Binary;
using ParameterKit.Gguf;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Each check of llama.cpp's reader, and each limit of ParameterKit's own, met by a hand-made file that breaks
/// exactly it: the typed error, its kind, and the file and entry named in the message.
/// </summary>
public sealed class GgufHostileHeaderTests
{
    private static GgufFormatException Rejected(byte[] bytes, GgufErrorKind kind)
    {
        var e = Assert.Throws<GgufFormatException>(() => GgufHeader.Parse(bytes, "hostile.gguf"));
        Assert.Equal(kind, e.Kind);
        Assert.Contains("'hostile.gguf'", e.Message);
        return e;
    }

    private static GgufBuilder Valid() => new GgufBuilder().String("general.architecture", "gpt2").Tensor("a", [32, 2]).Tensor("b", [3]);

    [Fact]
    public void A_valid_hand_made_file_is_accepted()
    {
        GgufHeader header = GgufHeader.Parse(Valid().Build(), "valid.gguf");
        Assert.Equal(["a", "b"], header.Tensors.Select(t => t.Name));
        Assert.Equal(256ul, header.GetTensor("b").Offset); // 64 floats = 256 bytes, already aligned
    }

    [Fact]
    public void Magic_and_version()
    {
        byte[] bytes = Valid().Build();
        bytes[0] = (byte)'G' ^ 0x20;
        Rejected(bytes, GgufErrorKind.InvalidMagic);
        Assert.Contains("obsolete", Rejected(new GgufBuilder { Version = 1 }.Build(), GgufErrorKind.UnsupportedVersion).Message);
        Rejected(new GgufBuilder { Version = 4 }.Build(), GgufErrorKind.UnsupportedVersion);
        Assert.Contains("big-endian", Rejected(new GgufBuilder { Version = 0x03000000 }.Build(), GgufErrorKind.UnsupportedVersion).Message);
        Rejected([.. "GGU"u8], GgufErrorKind.Truncated);
        Rejected([.. "GGUF"u8, 3, 0, 0], GgufErrorKind.Truncated);
    }

    [Fact]
    public void Counts_beyond_what_the_file_can_hold_are_refused_before_allocating()
    {
        Rejected(new GgufBuilder { KeyValueCount = ulong.MaxValue }.Build(), GgufErrorKind.InvalidCount);
        Rejected(new GgufBuilder { KeyValueCount = 1L << 40 }.Build(), GgufErrorKind.InvalidCount);
        Rejected(new GgufBuilder { TensorCount = 1L << 40 }.Build(), GgufErrorKind.InvalidCount);
        Rejected(new GgufBuilder { TensorCount = 1 }.Build(trailingBytes: 10), GgufErrorKind.InvalidCount);
    }

    [Fact]
    public void Values_strings_and_arrays_are_bounded_by_the_bytes_left()
    {
        Rejected(new GgufBuilder().KeyValue("k", 8, BitConverter.GetBytes(ulong.MaxValue)).Build(), GgufErrorKind.Truncated);
        // An array claiming 2^60 strings, and one claiming 2^61 u64 values (count x size overflows 64 bits).
        Rejected(new GgufBuilder().KeyValue("k", 9, [.. BitConverter.GetBytes(8u), .. BitConverter.GetBytes(1UL << 60)]).Build(), GgufErrorKind.Truncated);
        Rejected(new GgufBuilder().KeyValue("k", 9, [.. BitConverter.GetBytes(10u), .. BitConverter.GetBytes(1UL << 61)]).Build(), GgufErrorKind.Truncated);
        var nested = Rejected(new GgufBuilder().KeyValue("nested", 9, [.. BitConverter.GetBytes(9u), .. BitConverter.GetBytes(1UL)]).Build(),
            GgufErrorKind.InvalidValueType);
        Assert.Equal("nested", nested.Subject);
        Rejected(new GgufBuilder().KeyValue("k", 13, [0]).Build(), GgufErrorKind.InvalidValueType);
        Rejected(new GgufBuilder().KeyValue("k", 9, [.. BitConverter.GetBytes(77u), .. BitConverter.GetBytes(1UL)]).Build(), GgufErrorKind.InvalidValueType);
    }

    [Fact]
    public void Keys_must_be_unique_and_utf8()
    {
        Assert.Equal("k", Rejected(new GgufBuilder().UInt32("k", 1).UInt32("j", 2).UInt32("k", 3).Build(), GgufErrorKind.DuplicateKey).Subject);
        byte[] bytes = new GgufBuilder().UInt32("k", 1).Build();
        bytes[24 + 8] = 0xFF; // the key's one byte
        Rejected(bytes, GgufErrorKind.InvalidString);
    }

    [Fact]
    public void Alignment_must_be_a_uint32_power_of_two()
    {
        Rejected(new GgufBuilder().UInt32("general.alignment", 48).Build(), GgufErrorKind.InvalidAlignment);
        Rejected(new GgufBuilder().UInt32("general.alignment", 0).Build(), GgufErrorKind.InvalidAlignment);
        Rejected(new GgufBuilder().String("general.alignment", "64").Build(), GgufErrorKind.InvalidAlignment);
        var header = GgufHeader.Parse(new GgufBuilder { Alignment = 128 }.UInt32("general.alignment", 128).Tensor("t", [3]).Tensor("u", [1]).Build());
        Assert.Equal(128u, header.Alignment);
        Assert.Equal(0ul, header.DataStart % 128);
        Assert.Equal(128ul, header.GetTensor("u").Offset);
    }

    [Fact]
    public void Tensor_infos_are_checked_as_llama_cpp_checks_them()
    {
        Rejected(new GgufBuilder().Tensor(new string('x', 64), [1]).Build(), GgufErrorKind.InvalidTensorInfo);
        Assert.Single(GgufHeader.Parse(new GgufBuilder().Tensor(new string('x', 63), [1]).Build()).Tensors);
        Assert.Contains("5 dimensions", Rejected(new GgufBuilder().Tensor("t", [1, 1, 1, 1, 1]).Build(), GgufErrorKind.InvalidTensorInfo).Message);
        Assert.Contains("negative", Rejected(new GgufBuilder().Tensor("t", [1UL << 63]).Build(), GgufErrorKind.InvalidTensorInfo).Message);
        Rejected(new GgufBuilder().Tensor("t", [1UL << 32, 1UL << 31]).Build(), GgufErrorKind.InvalidTensorInfo);
        // Products that wrap 128 bits when the four dimensions are multiplied at once: 2^128 (read as 0), and one read as 32.
        Assert.Contains("2^63 elements or more", Rejected(new GgufBuilder().Tensor("t", [1UL << 32, 1UL << 32, 1UL << 32, 1UL << 32]).Build(),
            GgufErrorKind.InvalidTensorInfo).Message);
        Rejected(new GgufBuilder().Tensor("t", [1983756, 1472088, 8831418697, 13194317913029593]).Build(), GgufErrorKind.InvalidTensorInfo);
        Rejected(new GgufBuilder().Tensor("t", [1], type: 4).Build(), GgufErrorKind.InvalidTensorInfo);
        Rejected(new GgufBuilder().Tensor("t", [1], type: 39).Build(), GgufErrorKind.InvalidTensorInfo);
        var rows = Rejected(new GgufBuilder().Tensor("w", [48, 2], type: 8, bytes: 0).Build(), GgufErrorKind.InvalidTensorInfo);
        Assert.Contains("multiple of 32", rows.Message);
        Assert.Equal("w", rows.Subject);
        Assert.Equal("a", Rejected(new GgufBuilder().Tensor("a", [1]).Tensor("a", [1]).Build(), GgufErrorKind.DuplicateTensorName).Subject);
        byte[] bytes = new GgufBuilder().Tensor("t", [1]).Build();
        bytes[24 + 8] = 0xC3; // a lead byte with no continuation
        Rejected(bytes, GgufErrorKind.InvalidString);
    }

    [Fact]
    public void Tensors_must_lie_back_to_back_within_the_file()
    {
        Rejected(new GgufBuilder().Tensor("a", [4]).Tensor("b", [4], offset: 16).Build(), GgufErrorKind.InvalidOffset);
        Rejected(new GgufBuilder().Tensor("a", [4], offset: 32).Build(), GgufErrorKind.InvalidOffset);
        // Valid() ends with b's 12 bytes and 20 bytes of padding: cutting 21 leaves b one byte short.
        byte[] bytes = Valid().Build();
        GgufHeader.Parse(bytes.AsSpan(0, bytes.Length - 20));
        var e = Rejected(bytes[..^21], GgufErrorKind.DataOutOfBounds);
        Assert.Equal("b", e.Subject);
        Rejected(new GgufBuilder().Tensor("huge", [1UL << 40]).Build(), GgufErrorKind.DataOutOfBounds);
        // Zero-sized tensors take no bytes, so the next one starts at the same offset.
        GgufHeader empty = GgufHeader.Parse(new GgufBuilder().Tensor("z", [0, 5]).Tensor("n", [2]).Build());
        Assert.Equal(0ul, empty.GetTensor("n").Offset);
        Assert.Equal(0ul, empty.GetTensor("z").ElementCount);
    }

    [Fact]
    public void Every_prefix_of_a_valid_file_is_refused_as_truncated_or_out_of_bounds()
    {
        byte[] bytes = File.ReadAllBytes(GgufFixtures.Types);
        for (int n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<GgufFormatException>(() => GgufHeader.Parse(bytes.AsSpan(0, n)));
            Assert.True(e.Kind is GgufErrorKind.Truncated or GgufErrorKind.InvalidCount or GgufErrorKind.DataOutOfBounds, $"prefix {n}: {e.Kind}");
        }
        Assert.Equal(7, GgufHeader.Parse(bytes).TensorCount);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
    }
}
