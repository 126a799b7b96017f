using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Edges of the crate's behaviour (SPEC.md §2 and §4) that the public corpus does not pin: the serde_json depth
/// limit, serde's enum and integer quirks, and the order of checks.
/// </summary>
public sealed class HeaderEdgeCaseTests
{
    private static SafeTensorsHeader Parse(string header, params byte[] data)
    {
        byte[] file = RawFile.Build(header, data);
        return SafeTensorsHeader.Parse(file, (ulong)file.Length, "edge");
    }

    private static SafeTensorsErrorKind Reject(string header, params byte[] data) =>
        Assert.Throws<SafeTensorsFormatException>(() => Parse(header, data)).Kind;

    private static string Nested(int depth) =>
        "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":" + new string('[', depth - 2) + new string(']', depth - 2) + "}}";

    [Fact]
    public void Nesting_of_127_levels_is_accepted_and_128_rejected_like_serde_json()
    {
        Assert.Single(Parse(Nested(127), 7).Tensors);
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization, Reject(Nested(128), 7));
    }

    [Fact]
    public void Dtype_as_single_key_map_to_null_is_accepted_as_serde_does()
    {
        SafeTensorsHeader h = Parse("{\"t\":{\"dtype\":{\"I16\":null},\"shape\":[1],\"data_offsets\":[0,2]}}", 1, 2);
        Assert.Equal(DType.I16, h.Tensors[0].DType);
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization,
            Reject("{\"t\":{\"dtype\":{\"I16\":1},\"shape\":[1],\"data_offsets\":[0,2]}}", 1, 2));
    }

    [Theory]
    [InlineData("-0")]
    [InlineData("1.0")]
    [InlineData("1e0")]
    [InlineData("18446744073709551616")]
    [InlineData("\"1\"")]
    public void Non_integer_dimensions_are_deserialization_errors(string dim) =>
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization,
            Reject("{\"t\":{\"dtype\":\"U8\",\"shape\":[" + dim + "],\"data_offsets\":[0,1]}}", 7));

    [Fact]
    public void Largest_u64_dimension_with_a_zero_first_is_an_empty_tensor()
    {
        SafeTensorsHeader h = Parse("{\"t\":{\"dtype\":\"F64\",\"shape\":[0,18446744073709551615],\"data_offsets\":[0,0]}}");
        Assert.Equal(0UL, h.Tensors[0].ElementCount);
        Assert.False(h.Tensors[0].TryGetShape(out _));
    }

    [Fact]
    public void Unpaired_surrogate_escape_in_a_name_is_rejected()
    {
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization,
            Reject("{\"\\ud800\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 7));
    }

    [Theory]
    [InlineData("\"x\":\"\\ud800\"")]
    [InlineData("\"x\":[{\"\\udc00\":1}]")]
    [InlineData("\"\\ud800\":1")]
    [InlineData("\"x\":1e400")]
    [InlineData("\"x\":[-1e309]")]
    public void Ignored_fields_still_fail_where_serde_json_fails_parsing_them(string extra) =>
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization,
            Reject("{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]," + extra + "}}", 7));

    [Fact]
    public void Ignored_fields_with_tiny_or_huge_integers_parse()
    {
        string entry = "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":[1e-400,123456789012345678901234567890,-5]}}";
        Assert.Single(Parse(entry, 7).Tensors);
    }

    [Fact]
    public void Escaped_field_names_and_dtypes_are_unescaped_first()
    {
        SafeTensorsHeader h = Parse("{\"t\":{\"d\\u0074ype\":\"\\u00553\\u0032\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":[\"\\ud83d\\ude00\"]}}", 1, 2, 3, 4);
        Assert.Equal(DType.U32, h.Tensors[0].DType);
    }

    [Fact]
    public void Escaped_metadata_key_is_still_the_metadata_key()
    {
        SafeTensorsHeader h = Parse("{\"__metadata\\u005f_\":{\"a\":\"b\"}}");
        Assert.Equal("b", h.Metadata!["a"]);
        Assert.Empty(h.Tensors);
    }

    [Fact]
    public void Repeated_null_metadata_is_still_a_duplicate_field() =>
        Assert.Equal(SafeTensorsErrorKind.InvalidHeaderDeserialization, Reject("{\"__metadata__\":null,\"__metadata__\":null}"));

    [Fact]
    public void A_huge_rank_shape_is_rejected_without_allocating_its_dimensions()
    {
        // 4 million dimensions of 1 (8 MB of JSON). The reference crate would read them all and then find the
        // missing byte (MetadataIncompleteBuffer); ParameterKit stops at the 65th (SafeTensorsHeader.MaxRank).
        string header = "{\"t\":{\"dtype\":\"U8\",\"shape\":[" + string.Join(",", Enumerable.Repeat("1", 4_000_000))
            + "],\"data_offsets\":[0,1]}}";
        byte[] file = RawFile.Build(header);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(file, (ulong)file.Length));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(SafeTensorsErrorKind.LimitExceeded, e.Kind);
        // Parse copies the header text once (a header keeps its text: names and shapes are read from it); beyond
        // that copy, nothing is allocated per dimension.
        Assert.True(allocated < file.Length + (64 << 10), $"allocated {allocated} bytes for an {file.Length}-byte header");
    }

    [Fact]
    public void Errors_name_the_tensor_at_fault()
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() =>
            Parse("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 0, 0, 0, 0));
        Assert.Equal(SafeTensorsErrorKind.TensorInvalidInfo, e.Kind);
        Assert.Equal("w", e.TensorName);
        Assert.Contains("'edge'", e.Message, StringComparison.Ordinal);
    }
}
