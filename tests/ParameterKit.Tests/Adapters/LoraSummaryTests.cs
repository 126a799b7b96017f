using System.Text.Json;
using ParameterKit.Adapters;
using ParameterKit.Counting;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Adapters;

/// <summary>The adapted model's summary: trainable and frozen per kind, PEFT's line, adapter rows under their layers.</summary>
public class LoraSummaryTests
{
    private static LoraAdapters Gpt2SmallRank8OnCAttn() =>
        LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { Rank = 8, TargetModules = ["c_attn"] });

    [Fact]
    public void EachKindIsSplitIntoTrainableAndFrozen()
    {
        // GPT-2 small's own counts (README's table) all frozen; 12 x (8 x 768 + 2304 x 8) adapter values trainable.
        ModelSummary summary = Gpt2SmallRank8OnCAttn().Summary();
        Assert.Equal(
        [
            new KindSplit(ParameterKind.Embedding, 0, 39_383_808),
            new KindSplit(ParameterKind.Weight, 0, 84_934_656),
            new KindSplit(ParameterKind.Bias, 0, 102_144),
            new KindSplit(ParameterKind.NormGain, 0, 19_200),
            new KindSplit(ParameterKind.Adapter, 294_912, 0),
        ], summary.TrainableByKind);
        Assert.Equal(124_734_720, summary.Totals.Total);
        Assert.Equal(summary.Totals.Trainable, summary.TrainableByKind.Sum(s => s.Trainable));
        Assert.Equal(summary.Totals.Frozen, summary.TrainableByKind.Sum(s => s.Frozen));
    }

    [Fact]
    public void TheTableShowsTheSplitPeftsLineAndAnAdapterColumn()
    {
        string table = Gpt2SmallRank8OnCAttn().Summary().ToString();
        Assert.Contains("trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364", table);
        Assert.Contains("Trainable / frozen by kind: Embedding 0 / 39,383,808; Weight 0 / 84,934,656; Bias 0 / 102,144; "
            + "NormGain 0 / 19,200; Adapter 294,912 / 0", table);
        string header = table.Split('\n')[1];
        Assert.Contains("NormGain  Adapter", header);
        // h holds every block, so its row carries all the adapter values.
        string h = table.Split('\n').Single(line => line.StartsWith("h ", StringComparison.Ordinal));
        Assert.Contains("294,912", h);
    }

    [Fact]
    public void AModelWithNothingFrozenKeepsItsTableAsItWas()
    {
        string table = Gpt2Config.Small.Declare().Summary().ToString();
        Assert.DoesNotContain("Trainable / frozen by kind", table);
        Assert.DoesNotContain("|| trainable%", table);
        Assert.DoesNotContain("Adapter", table);
    }

    [Fact]
    public void AdapterRowsSitUnderTheLayerTheyAdapt()
    {
        var lora = LoraAdapters.Declare(new Gpt2Config(VocabSize: 11, Positions: 8, Channels: 8, Heads: 2, Layers: 2).Declare(),
            new LoraOptions { Rank = 2, TargetModules = ["c_attn"] });
        var paths = lora.Summary(depth: 5).Rows.Select(r => r.Path).ToList();
        int layer = paths.IndexOf("h.0.attn.c_attn");
        Assert.Equal("h.0.attn.c_attn.lora_A", paths[layer + 1]);
        Assert.Equal("h.0.attn.c_attn.lora_B", paths[layer + 2]);
        Assert.Equal("h.0.attn.c_proj", paths[layer + 3]);
        Assert.Equal("Linear", lora.Summary(depth: 5).Rows[layer].TypeName); // the model's type, not the adapter's
        Assert.Equal(2 * 8 + 24 * 2, lora.Summary(depth: 5).Rows[layer].Counts.Adapter);
    }

    [Fact]
    public void TheJsonCarriesTheSplitOfEveryKind()
    {
        using var json = JsonDocument.Parse(Gpt2SmallRank8OnCAttn().Summary().ToJson());
        JsonElement split = json.RootElement.GetProperty("trainable_by_kind");
        Assert.Equal(294_912, split.GetProperty("adapter").GetProperty("trainable").GetInt64());
        Assert.Equal(84_934_656, split.GetProperty("weight").GetProperty("frozen").GetInt64());
        Assert.Equal(0, split.GetProperty("norm_gain").GetProperty("trainable").GetInt64());
        Assert.Equal(294_912, json.RootElement.GetProperty("by_kind").GetProperty("adapter").GetInt64());
        Assert.Equal(124_734_720, json.RootElement.GetProperty("total").GetInt64());
    }

    [Fact]
    public void FreezingByKindShowsUpWithoutAdaptersToo()
    {
        ParameterStore store = Gpt2Config.Small.Declare();
        store.Freeze(ParameterKind.Embedding);
        ModelSummary summary = store.Summary();
        Assert.Equal(new KindSplit(ParameterKind.Embedding, 0, 39_383_808), summary.TrainableByKind[0]);
        Assert.Equal(new KindSplit(ParameterKind.Weight, 84_934_656, 0), summary.TrainableByKind[1]);
        Assert.Contains("Trainable / frozen by kind: Embedding 0 / 39,383,808; Weight 84,934,656 / 0;", summary.ToString());
    }
}
