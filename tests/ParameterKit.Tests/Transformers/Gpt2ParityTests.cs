using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// GPT-2 against PyTorch: the fixtures' logits come from a plain-torch float64 forward (make_gpt2_fixtures.py),
/// on checkpoints in the Hub's layout (Conv1D weights C x 3C, a transformer-free state dict, the attn.bias buffer).
/// </summary>
public sealed class Gpt2ParityTests
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> Fixtures => [.. Gpt2Fixture.Names];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void LogitsOfEveryPromptPositionMatchPyTorch(string name)
    {
        var fixture = Gpt2Fixture.Load(name);
        var model = Gpt2Model.Load(fixture.Folder);
        int t = fixture.Prompt.Length, v = model.Config.VocabSize;
        var logits = new float[t * v];
        model.Forward(fixture.Prompt, 1, t, logits);
        for (int i = 0; i < t; i++)
        {
            AssertClose(fixture.Logits[i], logits.AsSpan(i * v, v), $"{name} position {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CachedForwardMatchesPyTorchTokenByTokenAndAsOnePrompt(string name)
    {
        var fixture = Gpt2Fixture.Load(name);
        var model = Gpt2Model.Load(fixture.Folder);
        var logits = new float[model.Config.VocabSize];
        var cache = model.CreateCache();
        model.ForwardCached(fixture.Prompt, cache, logits);
        AssertClose(fixture.Logits[^1], logits, $"{name} prompt at once");

        cache.Reset();
        for (int i = 0; i < fixture.Prompt.Length; i++)
        {
            model.ForwardCached(fixture.Prompt.AsSpan(i, 1), cache, logits);
            AssertClose(fixture.Logits[i], logits, $"{name} token {i} through the cache");
        }
        Assert.Equal(fixture.Prompt.Length, cache.Length);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void BatchedForwardEqualsOneSequenceAtATime(string name)
    {
        var fixture = Gpt2Fixture.Load(name);
        var model = Gpt2Model.Load(fixture.Folder);
        int t = fixture.Prompt.Length, v = model.Config.VocabSize;
        int[] ids = [.. fixture.Prompt, .. fixture.Prompt.Reverse()];
        var batched = new float[2 * t * v];
        model.Forward(ids, 2, t, batched);
        var single = new float[t * v];
        model.Forward(ids.AsSpan(t, t), 1, t, single);
        Assert.Equal(single, batched.AsSpan(t * v, t * v).ToArray());
        AssertClose(fixture.Logits[^1], batched.AsSpan((t - 1) * v, v), $"{name} batch row 0");
    }

    [Fact]
    public void DeclaresExactlyTheCountingLayoutsNamesAndShapes()
    {
        var config = new Gpt2Config(VocabSize: 101, Positions: 64, Channels: 20, Layers: 2, Heads: 5);
        var layout = config.Declare();
        var store = new ParameterKit.Parameters.ParameterStore();
        _ = new Gpt2Model(store.Root, config);
        Assert.Equal(layout.Parameters.Select(p => (p.Name, p.Shape.ToString(), p.Kind)), store.Parameters.Select(p => (p.Name, p.Shape.ToString(), p.Kind)));
        Assert.Equal(layout.TiedNames.Select(t => (t.Name, t.Target.Name)), store.TiedNames.Select(t => (t.Name, t.Target.Name)));
        Assert.Equal(ParameterCounter.Count(layout).Total, ParameterCounter.Count(store).Total);
    }

    [Fact]
    public void ConfigJsonIsReadAndUnsupportedSettingsAreRefused()
    {
        var config = Gpt2ConfigJson.Parse("""{"n_layer": 12, "n_head": 12, "n_embd": 768, "vocab_size": 50257, "n_ctx": 1024, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new", "n_inner": null}"""u8);
        Assert.Equal(Gpt2Config.Small, config);
        var error = Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse("""{"n_layer": 2, "n_head": 3, "n_embd": 24, "vocab_size": 9, "n_positions": 8, "activation_function": "relu"}"""u8, "x/config.json"));
        Assert.Contains("x/config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("relu", error.Message, StringComparison.Ordinal);
        Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse("""{"n_layer": 2, "n_head": 5, "n_embd": 24, "vocab_size": 9, "n_positions": 8}"""u8));
        Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse("""{"n_head": 3, "n_embd": 24, "vocab_size": 9, "n_positions": 8}"""u8));
    }

    [Fact]
    public void ShapeErrorsNameThePathAndBothShapes()
    {
        var model = Gpt2Model.Create(new Gpt2Config(VocabSize: 11, Positions: 8, Channels: 12, Layers: 1, Heads: 3), seed: 1);
        var logits = Assert.Throws<ParameterKit.Tensors.ShapeMismatchException>(() => model.Forward([1, 2, 3], 1, 3, new float[10]));
        Assert.Contains("logits", logits.Message, StringComparison.Ordinal);
        Assert.Equal("Gpt2Model", logits.Path);   // the root's path is empty: the error names the model's type
        var block = Assert.Throws<ParameterKit.Tensors.ShapeMismatchException>(() => model.Blocks[0].Forward(new float[24], new float[36], new Gpt2BlockActivations(1, 3, 12, 3)));
        Assert.Equal("h.0", block.Path);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new int[9], 1, 9, new float[99]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardCached([11], model.CreateCache(), new float[11]));
        var cache = model.CreateCache(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardCached([1, 2, 3], cache, new float[11]));
        // A hand-made cache larger than the context still stops at the last learned position.
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardCached(new int[9], new KvCache(1, 16, 12), new float[11]));
    }

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= worst))
            {
                worst = error;
                at = i;
            }
        }
        Assert.True(worst <= Tolerance, $"{what}: max abs error {worst} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }
}
