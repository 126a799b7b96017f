using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// <see cref="GgufFile.HasSameData"/>, how a tied head stored as a copy is recognized: equal only for the same type,
/// shape and every byte, including the last byte of the last chunk of a tensor larger than one read chunk (1 MiB).
/// </summary>
public sealed class GgufSameDataTests : IDisposable
{
    private const ulong Elements = (1 << 18) + 5; // 1 MiB of float32 and a 20-byte tail: two chunks, the second short
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name) => RawFile.Write(_folder.Path, name, new GgufBuilder()
        .String("general.architecture", "test")
        .Tensor("a", [Elements])
        .Tensor("b", [Elements])
        .Tensor("c", [Elements - 1])
        .Tensor("d", [Elements], type: 1, bytes: (int)(Elements * 4))
        .Build());

    [Fact]
    public void Equal_copies_are_recognized_and_other_shapes_or_types_are_not()
    {
        using GgufFile file = GgufFile.Open(Write("same.gguf"));
        GgufTensorInfo a = file.GetTensor("a"), b = file.GetTensor("b");

        Assert.True(file.HasSameData(a, b));
        Assert.True(file.HasSameData(b, a)); // asked again, the other way round: the kept answer
        Assert.True(file.HasSameData(a, a));
        Assert.False(file.HasSameData(a, file.GetTensor("c")));
        Assert.False(file.HasSameData(a, file.GetTensor("d")));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(Elements * 4 - 1)]
    [InlineData((1UL << 20) - 1)]
    [InlineData(1UL << 20)]
    public void One_differing_byte_anywhere_makes_them_different(ulong at)
    {
        string path = Write("differ.gguf");
        ulong start;
        using (GgufFile probe = GgufFile.Open(path))
        {
            start = probe.Header.DataStart + probe.GetTensor("b").Offset;
        }
        byte[] bytes = File.ReadAllBytes(path);
        bytes[start + at] = 1;
        File.WriteAllBytes(path, bytes);
        using GgufFile file = GgufFile.Open(path);

        Assert.False(file.HasSameData(file.GetTensor("a"), file.GetTensor("b")));
    }

    [Fact]
    public void A_tensor_of_another_file_is_refused()
    {
        using GgufFile first = GgufFile.Open(Write("first.gguf"));
        using GgufFile second = GgufFile.Open(Write("second.gguf"));

        Assert.Throws<ArgumentException>(() => first.HasSameData(first.GetTensor("a"), second.GetTensor("a")));
    }
}
