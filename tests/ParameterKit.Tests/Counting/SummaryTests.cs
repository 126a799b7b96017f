using System.Text.Json;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.Counting;

public sealed class SummaryTests
{
    [Fact]
    public void Gpt2SummaryListsModulesTotalsKindsAndSizes()
    {
        var summary = Gpt2Config.Small.Declare().Summary(depth: 2);
        string table = summary.ToString();
        Assert.Contains("wte (EmbeddingLayer)", table, StringComparison.Ordinal);
        Assert.Contains("0 (Gpt2Block)", table, StringComparison.Ordinal);
        Assert.Contains("Total params: 124,439,808", table, StringComparison.Ordinal);
        Assert.Contains("Embedding 39,383,808 (31.65%)", table, StringComparison.Ordinal);
        Assert.Contains("F32 497.76 MB", table, StringComparison.Ordinal);
        Assert.Contains("Tied: lm_head.weight shares wte.weight (counted once)", table, StringComparison.Ordinal);
        Assert.Contains("tied to wte.weight", table, StringComparison.Ordinal);

        var block = summary.Rows.Single(r => r.Path == "h.3");
        Assert.Equal(7_087_872L, block.Counts.Total);
        Assert.Equal("Gpt2Block", block.TypeName);
        Assert.DoesNotContain(summary.Rows, r => r.Depth > 2);
    }

    [Fact]
    public void HeldNowCountsGradientsOnlyOnceTheyExist()
    {
        // 3,201 values (12.80 KB as float32); the gradients come with their first use.
        var store = new ParameterKit.Parameters.ParameterStore();
        _ = new ParameterKit.Modules.MultilayerPerceptron(store.Root, [16, 64, 32, 1]);
        store.Materialize(42);
        string valuesOnly = store.Summary().ToString();
        Assert.Contains($"Held now: {Bytes(4 * store.ElementCount)} (F32 values)", valuesOnly, StringComparison.Ordinal);

        _ = store.Gradients;
        string withGradients = store.Summary().ToString();
        Assert.Contains($"Held now: {Bytes(8 * store.ElementCount)} (F32 values and gradients)", withGradients, StringComparison.Ordinal);

        static string Bytes(long bytes) => (bytes / 1000.0).ToString("N2", System.Globalization.CultureInfo.InvariantCulture) + " KB";
    }

    [Fact]
    public void JsonCarriesTheSameNumbers()
    {
        var summary = Gpt2Config.Small.Declare().Summary(depth: 1);
        using var json = JsonDocument.Parse(summary.ToJson());
        var root = json.RootElement;
        Assert.Equal(124_439_808L, root.GetProperty("total").GetInt64());
        Assert.Equal(39_383_808L, root.GetProperty("by_kind").GetProperty("embedding").GetInt64());
        Assert.Equal(124_439_808L * 2, root.GetProperty("bytes").GetProperty("BF16").GetInt64());
        Assert.Equal("wte.weight", root.GetProperty("tied")[0].GetProperty("target").GetString());
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(["wte", "wpe", "h", "ln_f", "lm_head"], rows);
    }

    [Fact]
    public void BytesAsRoundsSubByteTypesUp()
    {
        var counts = new ParameterCounts(0, 3, 0, 0, 3, 1);
        Assert.Equal(2, counts.BytesAs(DType.F4));
        Assert.Equal(12, counts.BytesAs(DType.F32));
    }
}
