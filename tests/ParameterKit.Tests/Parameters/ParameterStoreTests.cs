using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.Parameters;

public sealed class ParameterStoreTests
{
    [Fact]
    public void ScopesBuildHuggingFaceNamesAndKindsSetDefaults()
    {
        var store = new ParameterStore();
        var attn = store.Scope("h").Scope(0).Scope("attn").Scope("c_attn");
        var w = attn.Weight(2304, 768);
        var b = attn.Bias(2304);
        var e = store.Scope("wte").Embedding(50257, 768);
        var g = store.Scope("ln_f").NormGain(768);
        Assert.Equal("h.0.attn.c_attn.weight", w.Name);
        Assert.Equal("h.0.attn.c_attn.bias", b.Name);
        Assert.Equal((ParameterKind.Weight, true), (w.Kind, w.ApplyWeightDecay));
        Assert.Equal((ParameterKind.Bias, false), (b.Kind, b.ApplyWeightDecay));
        Assert.Equal((ParameterKind.Embedding, false), (e.Kind, e.ApplyWeightDecay));
        Assert.Equal((ParameterKind.NormGain, false), (g.Kind, g.ApplyWeightDecay));
        Assert.Same(Init.LinearDefault, w.Initializer);
        Assert.Equal(new FanInfo(768, 2304), w.Fans);
    }

    [Fact]
    public void MaterializedParametersAreViewsIntoOneBuffer()
    {
        var store = new ParameterStore();
        var w = store.Scope("fc").Weight(3, 4);
        var b = store.Scope("fc").Bias(3);
        store.Materialize(seed: 1);
        Assert.Equal(15, store.Values.Length);
        w.Value[0] = 42f;
        Assert.Equal(42f, store.Values[0]);
        b.Gradient[2] = 7f;
        Assert.Equal(7f, store.Gradients[14]);
        Assert.All(b.Value.ToArray(), v => Assert.Equal(0f, v));
        store.ZeroGradients();
        Assert.Equal(0f, b.Gradient[2]);
    }

    [Fact]
    public void GradientsAreAllocatedAtFirstUseSoAModelThatOnlyRunsHoldsItsValues()
    {
        var store = new ParameterStore();
        var w = store.Scope("fc").Weight(3, 4);
        store.Scope("fc").Bias(3);
        store.Materialize(seed: 1);
        Assert.Equal(4 * 15, store.HeldBytes); // values only: nothing has asked for a gradient

        Assert.All(w.Gradient.ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(8 * 15, store.HeldBytes);
        w.Gradient[0] = 3f;
        Assert.Equal(3f, store.Gradients[0]); // the same buffer afterwards, not a new one per call
    }

    [Fact]
    public void ZeroingGradientsBeforeAnyExistAllocatesZeros()
    {
        var store = new ParameterStore();
        store.Scope("fc").Weight(2, 2);
        store.Materialize(seed: 1);
        store.ZeroGradients();
        Assert.Equal(8 * 4, store.HeldBytes);
        Assert.All(store.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void ValuesDependOnSeedAndNameOnlyNotOnOtherLayers()
    {
        var a = new ParameterStore();
        a.Scope("fc1").Weight(8, 8);
        a.Materialize(seed: 3);
        var b = new ParameterStore();
        b.Scope("extra").Weight(5, 5);
        b.Scope("fc1").Weight(8, 8);
        b.Materialize(seed: 3);
        Assert.Equal(a["fc1.weight"].Value.ToArray(), b["fc1.weight"].Value.ToArray());
        var c = new ParameterStore();
        c.Scope("fc1").Weight(8, 8);
        c.Materialize(seed: 4);
        Assert.NotEqual(a["fc1.weight"].Value.ToArray(), c["fc1.weight"].Value.ToArray());
    }

    [Fact]
    public void DuplicateNamesNameThePath()
    {
        var store = new ParameterStore();
        store.Scope("fc").Weight(2, 2);
        var ex = Assert.Throws<ParameterNameException>(() => store.Scope("fc").Weight(3, 3));
        Assert.Equal("fc.weight", ex.Path);
        Assert.Contains("fc.weight", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("wé")]
    [InlineData("has space")]
    [InlineData("slash/")]
    public void InvalidSegmentsAreRejected(string segment)
    {
        var store = new ParameterStore();
        var ex = Assert.Throws<ParameterNameException>(() => store.Scope("model").Scope(segment));
        Assert.StartsWith("model", ex.Path, StringComparison.Ordinal);
        Assert.Throws<ParameterNameException>(() => store.Scope("model").Bias(3, segment));
    }

    [Fact]
    public void UsingValuesBeforeMaterializingNamesThePath()
    {
        var store = new ParameterStore();
        var w = store.Scope("h").Scope(1).Scope("mlp").Weight(4, 4);
        var ex = Assert.Throws<ParameterNotMaterializedException>(() => w.Value.Length);
        Assert.Equal("h.1.mlp.weight", ex.Path);
        Assert.Throws<ParameterNotMaterializedException>(() => w.Gradient.Length);
        Assert.Throws<InvalidOperationException>(() => store.Values.Length);
    }

    [Fact]
    public void DeclaringAfterMaterializingOrMaterializingTwiceFails()
    {
        var store = new ParameterStore();
        var w = store.Scope("a").Weight(2, 2);
        store.Materialize(seed: 0);
        Assert.Throws<InvalidOperationException>(() => store.Scope("b").Weight(2, 2));
        Assert.Throws<InvalidOperationException>(() => store.Materialize(seed: 0));
        Assert.Throws<InvalidOperationException>(() => w.Initializer = Init.XavierUniform());
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 0)]
    [InlineData(-1, 4)]
    public void NonPositiveDimensionsNameThePathAndShape(int oc, int c)
    {
        var store = new ParameterStore();
        var ex = Assert.Throws<InvalidShapeException>(() => store.Scope("fc").Weight(oc, c));
        Assert.Equal("fc.weight", ex.Path);
        Assert.Contains($"[{oc}, {c}]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverflowingShapesAreRejected()
    {
        var store = new ParameterStore();
        var ex = Assert.Throws<InvalidShapeException>(() => store.Scope("huge").Weight([int.MaxValue, int.MaxValue, int.MaxValue], new FanInfo(1, 1)));
        Assert.Contains("overflows", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidShapeException>(() => new Shape(int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Throws<InvalidShapeException>(() => new Shape(3, -2));
    }

    [Fact]
    public void TiedParametersAreStoredAndCountedOnce()
    {
        var store = new ParameterStore();
        var wte = new EmbeddingLayer(store.Scope("wte"), 10, 4);
        var head = new Linear(store.Scope("lm_head"), wte.Table);
        Assert.Same(wte.Table, store["lm_head.weight"]);
        Assert.Same(wte.Table, head.Weight);
        Assert.Equal(40, store.Count().Total);
        Assert.Throws<ParameterNameException>(() => store.Scope("wte").Tie("weight", wte.Table));
        var other = new ParameterStore();
        Assert.Throws<ArgumentException>(() => other.Root.Tie("x", wte.Table));
        store.Materialize(seed: 1);
        Assert.Equal(40, store.Values.Length);
    }

    [Fact]
    public void FreezingByPatternAndByKind()
    {
        var store = ParameterKit.Models.Gpt2.Gpt2Config.Small.Declare();
        Assert.Equal(48, store.Freeze("h.*.attn.*")); // 12 blocks x (c_attn, c_proj) x (weight, bias)
        Assert.False(store["h.7.attn.c_proj.bias"].IsTrainable);
        Assert.True(store["h.7.mlp.c_fc.weight"].IsTrainable);
        Assert.Equal(1, store.Freeze("lm_head.weight")); // the alias freezes its target
        Assert.False(store["wte.weight"].IsTrainable);
        Assert.Equal(2, store.Unfreeze(ParameterKind.Embedding));
        Assert.True(store["wte.weight"].IsTrainable);
        Assert.Equal(0, store.Freeze("nothing.*"));
        var counts = store.Count();
        Assert.Equal(12L * (1_769_472 + 2_304 + 589_824 + 768), counts.Frozen);
    }
}
