using ParameterKit.Adapters;
using ParameterKit.Counting;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Adapters;

public class LoraCountTests
{
    [Fact]
    public void Gpt2SmallWithRank8OnCAttnPrintsPeftsLine()
    {
        // GPT-2 small declared, not materialized: 12 blocks x (8 x 768 + 2304 x 8) = 294,912 adapter values.
        ParameterStore store = Gpt2Config.Small.Declare();
        var lora = LoraAdapters.Declare(store, new LoraOptions { Rank = 8, Alpha = 32, TargetModules = ["c_attn"] });
        ParameterCounts counts = lora.Count();
        Assert.Equal("trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364", counts.ToTrainableLine());
        Assert.Equal(294_912, counts.Adapter);
        Assert.Equal(294_912, counts.Of(ParameterKind.Adapter));
        Assert.Equal(124_439_808, counts.Frozen);
        Assert.Equal(24, lora.Store.Parameters.Count);
        Assert.False(store.IsMaterialized);
        Assert.False(lora.Store.IsMaterialized);
    }

    [Fact]
    public void ThePatternFormsSelectTheSameLayersAsPeftsSuffixes()
    {
        int Count(params string[] targets) =>
            LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { TargetModules = targets }).Adapters.Count;
        Assert.Equal(12, Count("c_attn"));
        Assert.Equal(12, Count("h.*.attn.c_attn"));
        Assert.Equal(12, Count("attn.c_attn"));
        Assert.Equal(24, Count("c_proj"));          // PEFT's suffix match: attn.c_proj and mlp.c_proj
        Assert.Equal(12, Count("*.attn.c_proj"));
        Assert.Equal(1, Count("h.3.mlp.c_fc"));
    }

    [Fact]
    public void APatternThatMatchesNoLayerIsRefusedByName()
    {
        // The mistake PK1005 reports at compile time, made on purpose: this checks the run-time refusal behind it.
#pragma warning disable PK1005
        var e = Assert.Throws<LoraAdapterException>(() =>
            LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { TargetModules = ["c_attn", "*.q_proj"] }));
#pragma warning restore PK1005
        Assert.Equal("*.q_proj", e.Name);
        Assert.Contains("matches no linear layer", e.Message);
    }

    [Fact]
    public void SummaryAndJsonShowTheAdapterKindOnlyWhenPresent()
    {
        var plain = Gpt2Config.Small.Declare().Count();
        Assert.Equal(0, plain.Adapter);
        Assert.Equal(plain.Total, plain.Embedding + plain.Weight + plain.Bias + plain.NormGain);
        var lora = LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { TargetModules = ["c_attn"] });
        string table = lora.Store.Summary().ToString();
        Assert.Contains("Adapter 294,912 (100.00%)", table);
        Assert.DoesNotContain("Adapter", lora.BaseStore.Summary().ToString());
    }

    [Fact]
    public void TheBaseIsFrozenAndTheAdaptersTrain()
    {
        var lora = LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { TargetModules = ["c_attn"] });
        Assert.All(lora.BaseStore.Parameters, p => Assert.False(p.IsTrainable));
        Assert.All(lora.Store.Parameters, p => Assert.True(p.IsTrainable));
        Assert.All(lora.Store.Parameters, p => Assert.Equal(ParameterKind.Adapter, p.Kind));
        Assert.Equal("h.0.attn.c_attn.lora_A.weight", lora.Store.Parameters[0].Name);
        Assert.Equal([8, 768], lora.Adapters[0].A.Shape.Dimensions.ToArray());
        Assert.Equal([2304, 8], lora.Adapters[0].B.Shape.Dimensions.ToArray());
    }

    [Theory]
    [InlineData(8, 16, false, 2.0)]
    [InlineData(16, 16, false, 1.0)]
    [InlineData(16, 16, true, 4.0)]   // rsLoRA: α / √r
    public void TheScaleIsAlphaOverRankOrOverItsRoot(int rank, double alpha, bool rs, double expected)
    {
        var options = new LoraOptions { Rank = rank, Alpha = alpha, UseRsLora = rs, TargetModules = ["c_attn"] };
        Assert.Equal(expected, options.Scale, 12);
        var lora = LoraAdapters.Declare(new Gpt2Config(VocabSize: 11, Positions: 8, Channels: 8, Heads: 2, Layers: 1).Declare(), options);
        Assert.Equal((float)expected, lora.Adapters[0].Scale);
    }
}
