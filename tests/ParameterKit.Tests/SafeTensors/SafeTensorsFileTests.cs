using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>Lifetime and zero-copy behaviour of the memory-mapped reader.</summary>
public sealed class SafeTensorsFileTests
{
    [Fact]
    public void Views_are_invalid_after_dispose()
    {
        var file = SafeTensorsFile.Open(Corpus.PathOf("v_dtype_f32.safetensors"));
        SafeTensorInfo info = file.Tensors[0];
        ReadOnlyMemory<byte> memory = file.GetMemory(info);
        Assert.Equal(file.GetBytes(info).ToArray(), memory.Span.ToArray());

        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes(info).Length);
        Assert.Throws<ObjectDisposedException>(() => file.ReadSingles(info.Name));
        file.Dispose();
    }

    [Fact]
    public void Unaligned_tensors_read_correctly()
    {
        // v_header_unaligned has N not a multiple of 8, so its data starts at an unaligned file offset.
        using var file = SafeTensorsFile.Open(Corpus.PathOf("v_header_unaligned.safetensors"));
        foreach (SafeTensorInfo t in file.Tensors)
        {
            if (ParameterKit.Tensors.Conversions.ElementConversion.CanConvertToSingle(t.DType))
            {
                Assert.Equal((int)t.ElementCount, file.ReadSingles(t.Name).Length);
            }
        }
    }

    [Fact]
    public void Windows_are_slices_of_the_tensor_and_stay_inside_it()
    {
        using var file = SafeTensorsFile.Open(Corpus.PathOf("v_all_dtypes.safetensors"));
        SafeTensorInfo t = file.Tensors[0];
        Assert.Equal(file.GetBytes(t)[3..7].ToArray(), file.GetBytes(t, 3, 4).ToArray());
        Assert.Equal(0, file.GetBytes(t, t.ByteLength, 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetBytes(t, t.ByteLength - 1, 2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetBytes(t, ulong.MaxValue, 1).Length);
    }

    [Fact]
    public void Missing_tensor_is_tensor_not_found_naming_it()
    {
        using var file = SafeTensorsFile.Open(Corpus.PathOf("v_dtype_f32.safetensors"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => file.GetTensor("nope"));
        Assert.Equal(SafeTensorsErrorKind.TensorNotFound, e.Kind);
        Assert.Equal("nope", e.TensorName);
    }

    [Fact]
    public void A_tensor_of_another_file_is_refused()
    {
        using var a = SafeTensorsFile.Open(Corpus.PathOf("v_dtype_f32.safetensors"));
        using var b = SafeTensorsFile.Open(Corpus.PathOf("v_dtype_f32.safetensors"));
        Assert.Throws<ArgumentException>(() => a.GetBytes(b.Tensors[0]).Length);
    }
}
