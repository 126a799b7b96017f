using ParameterKit.Adapters;
using ParameterKit.Models.Gpt2;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tests.Modules;
using static ParameterKit.Tests.Adapters.LoraTestModels;

namespace ParameterKit.Tests.Adapters;

public class LoraForwardBackwardTests
{
    [Fact]
    public void FreshAdaptersLeaveTheLogitsExactlyAsTheBase()
    {
        // B starts at zero (PEFT's init), so base + s·B·A·x adds exact zeros.
        var model = TinyGpt2();
        float[] before = Logits(model);
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = ["c_attn", "c_fc"], Seed = 3 });
        Assert.All(lora.Adapters, a => Assert.Contains(a.A.Value.ToArray(), v => v != 0));
        Assert.All(lora.Adapters, a => Assert.All(a.B.Value.ToArray(), v => Assert.Equal(0f, v)));
        Assert.Equal(before, Logits(model));
    }

    [Fact]
    public void AIsKaimingUniformFromItsFanIn()
    {
        // PEFT: nn.init.kaiming_uniform_(lora_A, a=√5) on r x C, so U(-1/√C, 1/√C).
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 8, TargetModules = ["c_fc"], Seed = 1 });
        float[] a = lora.Adapters[0].A.Value.ToArray();
        double bound = 1 / Math.Sqrt(24);
        Assert.All(a, v => Assert.InRange(v, -bound, bound));
        Assert.True(a.Max() > 0.8 * bound && a.Min() < -0.8 * bound);
        var again = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 8, TargetModules = ["c_fc"], Seed = 1 });
        Assert.Equal(a, again.Adapters[0].A.Value.ToArray());
    }

    [Theory]
    [InlineData("c24_h3_l2", new[] { "c_attn" })]
    [InlineData("c32_h4_l3", new[] { "c_attn", "c_proj", "c_fc" })]   // c_fc: the adapter goes before the fused GELU
    public void MergedAndUnmergedLogitsAgreeForGpt2(string fixture, string[] targets)
    {
        var model = TinyGpt2(fixture);
        float[] baseLogits = Logits(model);
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = targets, Seed = 9 });
        Randomize(lora, 5);
        model.SetTraining(false);
        float[] adapted = Logits(model);
        Assert.True(MaxDifference(adapted, baseLogits) > 1e-2, "the adapters must change the logits for this test to mean anything");
        lora.Merge();
        Assert.True(MaxDifference(adapted, Logits(model)) <= 1e-5);
        lora.Unmerge();
        Assert.True(MaxDifference(adapted, Logits(model)) <= 1e-5);
        lora.Detach();
        Assert.True(MaxDifference(baseLogits, Logits(model)) <= 1e-5);
    }

    [Fact]
    public void AnAdapterOnATiedHeadIsNotMergedBecauseThatWouldChangeTheEmbeddingsToo()
    {
        // Before: Merge added s·B·A into lm_head's weight, which is wte's, so the embeddings moved by up to 0.1 and the
        // merged logits differed from the adapted ones by up to 2.
        var model = TinyGpt2("c32_h4_l3");
        Assert.True(model.Config.TieWordEmbeddings);
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = ["c_attn", "lm_head"], Seed = 3 });
        Randomize(lora, 7);
        model.SetTraining(false);
        float[] adapted = Logits(model);
        float[] embeddings = model.TokenEmbedding.Table.Value.ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => lora.Merge());
        Assert.Contains("'lm_head' shares its weight with 'wte.weight'", error.Message, StringComparison.Ordinal);
        // All or nothing: c_attn's adapters, checked first, were not merged either.
        Assert.All(lora.Adapters, a => Assert.False(a.IsMerged));
        Assert.Equal(embeddings, model.TokenEmbedding.Table.Value.ToArray());
        Assert.Equal(adapted, Logits(model));
    }

    [Fact]
    public void MergedAndUnmergedLogitsAgreeForLlama()
    {
        var model = TinyLlama("gqa_llama3");
        float[] baseLogits = Logits(model);
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions
        {
            Rank = 2, Alpha = 4, TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], Seed = 2,
        });
        Assert.Equal(7 * model.Store.Modules.Count(m => m.Path.EndsWith(".self_attn", StringComparison.Ordinal)), lora.Adapters.Count);
        Randomize(lora, 6);
        float[] adapted = Logits(model);
        Assert.True(MaxDifference(adapted, baseLogits) > 1e-2);
        lora.Merge();
        Assert.True(MaxDifference(adapted, Logits(model)) <= 1e-5);
        lora.Unmerge();
        Assert.True(MaxDifference(adapted, Logits(model)) <= 1e-5);
    }

    [Fact]
    public void CachedGenerationSeesTheAdapters()
    {
        // The inference path (KV cache, GELU fused into c_fc) must add the adapters as the training path does.
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 3, TargetModules = ["c_attn", "c_fc"], Seed = 4 });
        Randomize(lora, 8);
        model.SetTraining(false);
        float[] full = Logits(model, batch: 1);
        var cache = model.CreateCache();
        var last = new float[model.Config.VocabSize];
        model.ForwardCached(Ids, cache, last);
        int v = model.Config.VocabSize;
        Assert.True(MaxDifference(full[^v..], last) <= 1e-4);
    }

    [Fact]
    public void BackwardFillsOnlyAdapterGradientsAndMatchesFiniteDifferences()
    {
        var model = TinyGpt2("c20_h5_l2");
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 3, Alpha = 6, TargetModules = ["c_attn", "mlp.c_proj"], Seed = 7 });
        int v = model.Config.VocabSize;
        GradientCheck.Run(lora.Store, inputLength: 1, outputLength: Ids.Length * v, seed: 11,
            forward: (_, y) => model.Forward(Ids, 2, Ids.Length / 2, y),
            backward: (_, dy, _) => model.Backward(dy),
            inputSamples: 0, label: "gpt2 lora ");
        // The base is frozen: its gradient buffer is never written.
        Assert.All(model.Store.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void LinearWithAdapterAndDropoutMatchesFiniteDifferencesIncludingTheInput()
    {
        var store = new ParameterStore();
        var linear = new Linear(store.Root.Scope("fc"), inChannels: 7, outChannels: 5);
        store.Materialize(seed: 1);
        var lora = LoraAdapters.Attach(store, new LoraOptions { Rank = 2, Alpha = 3, Dropout = 0.3, TargetModules = ["fc"], Seed = 5 });
        LoraAdapter adapter = lora.Adapters[0];
        // Every evaluation replays mask number 1, so finite differences see one fixed function.
        GradientCheck.Run(lora.Store, inputLength: 3 * 7, outputLength: 3 * 5, seed: 2,
            forward: (x, y) => { adapter.RestoreDropoutCalls(0); linear.Forward(x, y, 7); },
            backward: (x, dy, dx) => linear.Backward(x, dy, dx, 7),
            inputSamples: 21, label: "dropout lora ");
        Assert.Equal(1UL, adapter.DropoutCalls);
    }

    [Fact]
    public void DropoutIsSeededAndOffInEvaluation()
    {
        float[] Run(ulong seed, bool training)
        {
            var store = new ParameterStore();
            var linear = new Linear(store.Root.Scope("fc"), 16, 4);
            store.Materialize(seed: 1);
            var lora = LoraAdapters.Attach(store, new LoraOptions { Rank = 2, Dropout = 0.5, TargetModules = ["fc"], Seed = seed });
            Randomize(lora, 1);
            linear.SetTraining(training);
            var y = new float[4 * 4];
            linear.Forward(Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray(), y, 16);
            return y;
        }
        Assert.Equal(Run(1, true), Run(1, true));
        Assert.NotEqual(Run(1, true), Run(2, true));
        Assert.Equal(Run(1, false), Run(2, false));   // no mask at inference: the seed no longer matters
        Assert.NotEqual(Run(1, true), Run(1, false));
    }

    [Fact]
    public void MergedAdaptersRefuseToTrainAndToMergeTwice()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { TargetModules = ["c_attn"] });
        lora.Merge();
        Assert.Throws<InvalidOperationException>(() => lora.Merge());
        float[] logits = Logits(model);
        Assert.Throws<InvalidOperationException>(() => model.Backward(new float[logits.Length]));
        Assert.Throws<InvalidOperationException>(() => lora.Detach());
        lora.Unmerge();
        Assert.Throws<InvalidOperationException>(() => lora.Unmerge());
        Assert.Throws<InvalidOperationException>(() => LoraAdapters.Attach(model.Store, new LoraOptions { TargetModules = ["c_attn"] }));
    }

    [Fact]
    public void UnmergeIsAllOrNothingAsMergeIs()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { TargetModules = ["c_attn", "c_fc"] });
        Randomize(lora, 3);
        lora.Merge();
        lora.Adapters[^1].Unmerge();   // one adapter unmerged by hand
        float[] before = [.. model.Store.Parameters.SelectMany(p => p.Value.ToArray())];

        Assert.Throws<InvalidOperationException>(() => lora.Unmerge());

        float[] after = [.. model.Store.Parameters.SelectMany(p => p.Value.ToArray())];
        Assert.Equal(before, after);
        Assert.All(lora.Adapters.SkipLast(1), adapter => Assert.True(adapter.IsMerged));
    }
}
