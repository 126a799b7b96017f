using ParameterKit.Cli.Inspection;

namespace ParameterKit.Cli.Tests;

/// <summary>Folding repeated blocks: numeric order, identical signatures only, gaps break runs.</summary>
public sealed class BlockFoldingTests
{
    [Fact]
    public void Blocks_fold_in_numeric_order_whatever_the_header_order()
    {
        var names = new[] { "h.10.w", "h.2.w", "h.0.w", "wte.weight", "h.1.w", "h.11.w" }
            .Concat(Enumerable.Range(3, 7).Select(i => $"h.{i}.w"));
        IReadOnlyList<LayerRow> rows = BlockFolding.Fold(names.Select(n => (n, "[4]", 4L)));

        Assert.Equal(["h.0 .. h.11", "wte"], rows.Select(r => r.Label));
        Assert.Equal(12, rows[0].Repeats);
        Assert.Equal(48, rows[0].Total);
    }

    [Fact]
    public void Different_blocks_and_gaps_break_runs()
    {
        var parameters = new List<(string, string, long)>
        {
            ("model.layers.0.mlp.w", "[8]", 8), ("model.layers.1.mlp.w", "[8]", 8),
            ("model.layers.2.moe.w", "[8]", 8),                                     // a different layout
            ("model.layers.3.mlp.w", "[8]", 8), ("model.layers.5.mlp.w", "[8]", 8), // a gap at 4
        };
        Assert.Equal(["model.layers.0 .. model.layers.1", "model.layers.2", "model.layers.3", "model.layers.5"],
            BlockFolding.Fold(parameters).Select(r => r.Label));
    }

    [Fact]
    public void Same_names_with_other_shapes_do_not_fold()
    {
        var rows = BlockFolding.Fold([("h.0.w", "[4]", 4L), ("h.1.w", "[2, 2]", 4L)]);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void A_numeric_leaf_is_a_name_not_a_block()
    {
        Assert.False(BlockFolding.TrySplitBlock("scales.0", out _, out _, out _));
        Assert.True(BlockFolding.TrySplitBlock("a.b.12.c.d", out ReadOnlySpan<char> family, out long index, out ReadOnlySpan<char> rest));
        Assert.Equal(("a.b", 12L, "c.d"), (family.ToString(), index, rest.ToString()));
        Assert.True(BlockFolding.TrySplitBlock("3.w", out family, out index, out rest));
        Assert.Equal(("", 3L, "w"), (family.ToString(), index, rest.ToString()));
    }

    [Theory]
    [InlineData("h.12\0.w")]   // long.TryParse alone takes trailing NULs
    [InlineData("h.+1.w")]
    [InlineData("h. 1.w")]
    [InlineData("h.1_0.w")]
    [InlineData("h.\u0661.w")] // ARABIC-INDIC DIGIT ONE: a digit to char.IsDigit, not an index
    public void Segments_that_only_look_like_numbers_are_names(string name)
    {
        Assert.False(BlockFolding.TrySplitBlock(name, out _, out _, out _));
    }

    /// <summary>
    /// Splitting a name allocates nothing from its first call, before the JIT has optimized anything: once, an
    /// unoptimized generic digit check boxed its bounds and doubled <c>inspect</c>'s allocations on a header of
    /// 1.5 million names on a busy machine (HugeHeaderTests, 8.85 x N against its bound of 8).
    /// </summary>
    [Fact]
    public void Splitting_a_name_allocates_nothing_even_before_the_code_is_optimized()
    {
        Assert.True(BlockFolding.TrySplitBlock("model.layers.12345.mlp.w", out _, out _, out _));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            BlockFolding.TrySplitBlock("model.layers.12345.mlp.w", out _, out _, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Blocks_with_the_same_tensors_in_another_order_fold()
    {
        var rows = BlockFolding.Fold([("h.0.a", "[4]", 4L), ("h.0.b", "[2]", 2L), ("h.1.b", "[2]", 2L), ("h.1.a", "[4]", 4L)]);
        LayerRow row = Assert.Single(rows);
        Assert.Equal((2, 6L), (row.Repeats, row.Each));
    }

    [Fact]
    public void Past_the_group_limit_the_rest_is_one_row_and_the_rows_still_add_up()
    {
        int count = BlockFolding.MaxGroups + 1_000;
        var rows = BlockFolding.Fold(Enumerable.Range(0, count).Select(i => ($"m{i}.weight", "[1]", 2L)));
        Assert.Equal(BlockFolding.MaxGroups + 1, rows.Count);
        Assert.Equal("... 1,000 more tensors, past the first 100,000 modules and blocks", rows[^1].Label);
        Assert.Equal(2L * count, rows.Sum(r => r.Total));
    }
}
