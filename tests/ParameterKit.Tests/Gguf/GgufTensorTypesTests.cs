using System.Globalization;
using ParameterKit.Gguf;

namespace ParameterKit.Tests.Gguf;

/// <summary>The block layouts against ggml's own structs, so a file's tensors are sized as llama.cpp sizes them.</summary>
public sealed class GgufTensorTypesTests
{
    /// <summary>
    /// <c>Fixtures/gguf/block_sizes.expected.txt</c>: <c>sizeof</c> of each block struct of ggml-common.h, printed by
    /// <c>block_sizes.c</c> compiled against llama.cpp at commit c392e50.
    /// </summary>
    public static TheoryData<string, int, int> GgmlLayouts()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string line in File.ReadLines(Path.Combine(GgufFixtures.Folder, "block_sizes.expected.txt")))
        {
            string[] parts = line.Split(' ');
            data.Add(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GgmlLayouts))]
    public void EachLayoutIsGgmlsBlockStruct(string name, int values, int bytes)
    {
        var type = Enum.Parse<GgufTensorType>(name);
        Assert.Equal(values, GgufTensorTypes.BlockSize(type));
        Assert.Equal(bytes, GgufTensorTypes.BlockBytes(type));
    }

    [Fact]
    public void EveryTypeIsCheckedAgainstGgml()
    {
        // The two types newer than that commit, from the static_asserts of a later ggml-common.h:
        // sizeof(block_mxfp4) == 1 + QK_MXFP4 / 2 with QK_MXFP4 = 32, and
        // sizeof(block_nvfp4) == QK_NVFP4 / QK_NVFP4_SUB + QK_NVFP4 / 2 with QK_NVFP4 = 64, QK_NVFP4_SUB = 16.
        Assert.Equal((32, 17), (GgufTensorTypes.BlockSize(GgufTensorType.MXFP4), GgufTensorTypes.BlockBytes(GgufTensorType.MXFP4)));
        Assert.Equal((64, 36), (GgufTensorTypes.BlockSize(GgufTensorType.NVFP4), GgufTensorTypes.BlockBytes(GgufTensorType.NVFP4)));
        var fromGgml = GgmlLayouts().Select(row => (string)row[0]).Concat(["MXFP4", "NVFP4"]).ToHashSet();
        Assert.Equal(fromGgml.Order(), Enum.GetNames<GgufTensorType>().Order());
    }

    [Fact]
    public void AQ8_1TensorEndsWhereTheNextBegins()
    {
        // Two Q8_1 tensors of 64 values, 72 bytes each (gguf-py's table says 40 bytes a block, which would read 80).
        byte[] file = new GgufBuilder().Tensor("first", [64], type: 9, bytes: 72).Tensor("second", [64], type: 9, bytes: 72).Build();
        var header = GgufHeader.Parse(file, "q8_1.gguf");
        Assert.All(header.Tensors, t => Assert.Equal(72UL, t.ByteLength));
    }

    [Fact]
    public void AnMxfp4TensorOpens()
    {
        byte[] file = new GgufBuilder().Tensor("blk.0.ffn_down_exps.weight", [64, 2], type: 39, bytes: 4 * 17).Build();
        var tensor = Assert.Single(GgufHeader.Parse(file, "gpt-oss.gguf").Tensors);
        Assert.Equal(GgufTensorType.MXFP4, tensor.Type);
        Assert.Equal(68UL, tensor.ByteLength);
        Assert.False(GgufTensorTypes.CanDequantize(GgufTensorType.MXFP4));
    }
}
