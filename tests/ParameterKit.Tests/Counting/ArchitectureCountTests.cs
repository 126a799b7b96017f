using ParameterKit.Models.Llama;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Counting;

/// <summary>
/// Exact counts that Hugging Face reports (<c>model.num_parameters()</c>, tied head once) and the published
/// configurations of GPT-3 175B and Llama 2. The by-kind splits follow from the layouts by hand:
/// GPT-2 small's embeddings are 50,257·768 + 1,024·768.
/// </summary>
public sealed class ArchitectureCountTests
{
    [Theory]
    [InlineData("gpt2", 124_439_808L)]
    [InlineData("gpt2-medium", 354_823_168L)]
    [InlineData("gpt2-large", 774_030_080L)]
    [InlineData("gpt2-xl", 1_557_611_200L)]
    [InlineData("gpt3-175b", 174_604_259_328L)]
    [InlineData("llama-2-7b", 6_738_415_616L)]
    [InlineData("llama-2-13b", 13_015_864_320L)]
    [InlineData("llama-2-70b", 68_976_648_192L)]
    public void KnownArchitecturesCountExactly(string name, long expected)
    {
        Assert.True(KnownArchitectures.TryDeclare(name, out var store));
        var counts = store.Count();
        Assert.Equal(expected, counts.Total);
        Assert.Equal(expected, counts.Trainable);
        Assert.False(store.IsMaterialized);
    }

    [Fact]
    public void Gpt2SmallBreaksDownByKind()
    {
        var counts = Gpt2Config.Small.Declare().Count();
        Assert.Equal(39_383_808L, counts.Embedding);   // wte 38,597,376 + wpe 786,432
        Assert.Equal(84_934_656L, counts.Weight);      // 12 blocks x (c_attn 1,769,472 + c_proj 589,824 + c_fc 2,359,296 + c_proj 2,359,296)
        Assert.Equal(102_144L, counts.Bias);           // 12 x (2,304 + 768 + 3,072 + 768 + 2 x 768) + ln_f 768
        Assert.Equal(19_200L, counts.NormGain);        // 12 x 2 x 768 + ln_f 768
        Assert.Equal(148, counts.Tensors);             // wte, wpe, 12 blocks x 12 tensors, ln_f weight and bias
    }

    [Fact]
    public void Gpt2HeadIsTiedAndCountedOnce()
    {
        var store = Gpt2Config.Small.Declare();
        var tied = Assert.Single(store.TiedNames);
        Assert.Equal("lm_head.weight", tied.Name);
        Assert.Equal("wte.weight", tied.Target.Name);
        Assert.Same(store["wte.weight"], store["lm_head.weight"]);
    }

    [Fact]
    public void Gpt2NamesMatchHuggingFace()
    {
        var store = Gpt2Config.Small.Declare();
        Assert.Equal([2304, 768], store["h.0.attn.c_attn.weight"].Shape.Dimensions.ToArray());
        Assert.Equal(ParameterKind.NormGain, store["h.11.ln_2.weight"].Kind);
        Assert.Equal(ParameterKind.Bias, store["h.5.mlp.c_proj.bias"].Kind);
        Assert.Equal(ParameterKind.Embedding, store["wpe.weight"].Kind);
        Assert.Equal("wte.weight", store.Parameters[0].Name);
        Assert.Equal("ln_f.bias", store.Parameters[^1].Name);
    }

    [Fact]
    public void LlamaHasNoBiasesAndItsOwnHead()
    {
        var counts = LlamaConfig.Llama2With7B.Declare().Count();
        Assert.Equal(0, counts.Bias);
        Assert.Equal(2L * 32000 * 4096 - 32000 * 4096, counts.Embedding); // embed_tokens only; lm_head is a Weight
        Assert.Equal(32L * 2 * 4096 + 4096, counts.NormGain);
    }

    [Fact]
    public void Gpt3CountsWithoutMaterializing()
    {
        var store = Gpt2Config.Gpt3.Declare();
        Assert.Equal(174_604_259_328L, store.ElementCount);
        Assert.Throws<InvalidOperationException>(() => store.Materialize(seed: 1));
        Assert.Throws<ParameterNotMaterializedException>(() => store["wte.weight"].Value.Length);
    }
}
