using ParameterKit.Counting;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models.Gpt2;

/// <summary>
/// GPT-2 loaded with its matrices held in bf16 or f16 (<see cref="ModelLoadOptions.WeightType"/>): a tiny random model
/// written to a half-precision checkpoint in the Hub's layout gives, held in half precision, the logits of the float32
/// model loaded from the same file (so on the same rounded values) within 1e-4 and the same greedy tokens; the matrices
/// are read in place from the map (no large allocation on load), converted once when the file's type differs, and the
/// model refuses to train with a typed error.
/// </summary>
public sealed class Gpt2HalfPrecisionTests
{
    private static readonly Gpt2Config Config = new(VocabSize: 8192, Positions: 64, Channels: 128, Layers: 2, Heads: 4);

    private const string ConfigJson =
        """{"model_type": "gpt2", "vocab_size": 8192, "n_positions": 64, "n_embd": 128, "n_layer": 2, "n_head": 4}""";

    private static readonly int[] Prompt = [17, 4000, 9, 8191, 250, 3];

    /// <summary>Writes a random model's weights as <paramref name="type"/> (the Hub's names and Conv1D layout) and config.json.</summary>
    private static string WriteCheckpoint(TempFolder folder, DType type)
    {
        HalfCheckpoint.Write(Gpt2Model.Create(Config, seed: 11).Store, type, folder.File("model.safetensors"), Gpt2HubLayout.IsConv1DWeight);
        File.WriteAllText(folder.File("config.json"), ConfigJson);
        return folder.Path;
    }

    private static float[] Logits(Gpt2Model model)
    {
        var logits = new float[Config.VocabSize];
        model.ForwardCached(Prompt, model.CreateCache(), logits);
        return logits;
    }

    private static int[] Greedy(Gpt2Model model)
    {
        var tokens = new int[24];
        int produced = new TextGenerator(model).Generate(Prompt, tokens, new GenerationOptions { Temperature = 0, MaxNewTokens = tokens.Length });
        return tokens[..produced];
    }

    private static long MatrixElements(ParameterStore store) => HalfCheckpoint.MatrixElements(store);

    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void Half_precision_weights_give_the_float32_logits_of_the_same_values_and_the_same_greedy_tokens(DType type)
    {
        using var folder = new TempFolder();
        string path = WriteCheckpoint(folder, type);
        Gpt2Model reference = Gpt2Model.Load(path);
        using Gpt2Model held = Gpt2Model.Load(path, new ModelLoadOptions { WeightType = type });

        Assert.Equal(type, held.Store.WeightType);
        Assert.Equal(2 * MatrixElements(held.Store), held.Store.MappedBytes);
        float[] expected = Logits(reference), actual = Logits(held);
        for (int v = 0; v < expected.Length; v++)
        {
            Assert.True(Math.Abs(expected[v] - actual[v]) <= 1e-4, $"{type}: logit {v} is {actual[v]}, the float32 model's {expected[v]}");
        }
        int[] greedy = Greedy(reference);
        Assert.Equal(24, greedy.Length);
        Assert.Equal(greedy, Greedy(held));

        // The batch forward pass (every position) runs the blocked GEMM route with B widened while packed.
        var all = new float[Prompt.Length * Config.VocabSize];
        var allHeld = new float[all.Length];
        reference.Forward(Prompt, 1, Prompt.Length, all);
        held.Forward(Prompt, 1, Prompt.Length, allHeld);
        Assert.True(all.Zip(allHeld).All(p => Math.Abs(p.First - p.Second) <= 1e-4), $"{type}: the batch forward differs from float32 by more than 1e-4");
    }

    [Fact]
    public void Loading_bf16_in_place_allocates_a_small_fraction_of_the_file()
    {
        using var folder = new TempFolder();
        string path = WriteCheckpoint(folder, DType.BF16);
        long fileBytes = new FileInfo(folder.File("model.safetensors")).Length;
        Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.BF16 }).Dispose(); // warm the code paths

        long before = GC.GetAllocatedBytesForCurrentThread();
        using Gpt2Model held = Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.BF16 });
        long heldAllocation = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        Gpt2Model reference = Gpt2Model.Load(path);
        long floatAllocation = GC.GetAllocatedBytesForCurrentThread() - before;

        // Zero-copy: every matrix is a view of the map, and the managed heap saw a few small objects (names, vectors).
        Assert.Equal(2 * MatrixElements(held.Store), held.Store.MappedBytes);
        Assert.True(heldAllocation < fileBytes / 10, $"loading a {fileBytes}-byte bf16 file in place allocated {heldAllocation} bytes");
        Assert.True(floatAllocation > 3 * fileBytes / 2, $"the float32 load allocated only {floatAllocation} bytes, so the comparison proves nothing");
        // Held: two bytes per matrix value, float32 vectors, no gradients; the float32 model holds its values (gradients
        // come at the first training step).
        long vectors = held.Store.ElementCount - MatrixElements(held.Store);
        Assert.Equal(2 * MatrixElements(held.Store) + 4 * vectors, held.Store.HeldBytes);
        Assert.Equal(4 * reference.Store.ElementCount, reference.Store.HeldBytes);
    }

    [Fact]
    public void A_checkpoint_of_another_type_is_converted_once_into_private_memory()
    {
        using var folder = new TempFolder();
        string path = WriteCheckpoint(folder, DType.BF16);
        Gpt2Model reference = Gpt2Model.Load(path);
        using Gpt2Model held = Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.F16 });

        Assert.Equal(0, held.Store.MappedBytes);
        long vectors = held.Store.ElementCount - MatrixElements(held.Store);
        Assert.Equal(2 * MatrixElements(held.Store) + 4 * vectors, held.Store.HeldBytes);
        // bf16 values re-rounded to f16 lose only what f16's narrower exponent range cannot hold (tiny weights).
        float[] expected = Logits(reference), actual = Logits(held);
        Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-3));
        Assert.Contains("converted on load", held.Store.Summary().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Training_a_half_precision_model_fails_with_a_typed_error_naming_the_parameter()
    {
        using var folder = new TempFolder();
        using Gpt2Model held = Gpt2Model.Load(WriteCheckpoint(folder, DType.BF16), new ModelLoadOptions { WeightType = DType.BF16 });

        var value = Assert.Throws<InferenceOnlyParameterException>(() => held.Head.Weight.Value.Length);
        Assert.Equal("wte.weight", value.ParameterName);
        Assert.Equal(DType.BF16, value.WeightType);
        Assert.Throws<InferenceOnlyParameterException>(() => held.Store.Gradients.Length);
        Assert.Throws<InferenceOnlyParameterException>(held.Store.ZeroGradients);
        var logits = new float[Prompt.Length * Config.VocabSize];
        held.Forward(Prompt, 1, Prompt.Length, logits);
        Assert.Throws<InferenceOnlyParameterException>(() => held.Backward(logits));
        // Vectors stay float32 and readable.
        Assert.Equal(Config.Channels, held.FinalNorm.Parameters.First().Value.Length);
    }

    [Fact]
    public void The_summary_reports_the_bytes_held_and_mapped()
    {
        using var folder = new TempFolder();
        using Gpt2Model held = Gpt2Model.Load(WriteCheckpoint(folder, DType.BF16), new ModelLoadOptions { WeightType = DType.BF16 });

        ModelSummary summary = held.Store.Summary();

        Assert.Equal(DType.BF16, summary.WeightType);
        Assert.Equal(held.Store.HeldBytes, summary.HeldBytes);
        Assert.Equal(2 * MatrixElements(held.Store), summary.MappedBytes);
        Assert.Contains("matrices as BF16", summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("read in place from the memory-mapped checkpoint", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_model_refuses_to_run_and_an_unknown_weight_type_is_rejected()
    {
        using var folder = new TempFolder();
        string path = WriteCheckpoint(folder, DType.BF16);
        Gpt2Model held = Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.BF16 });
        held.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Logits(held));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.I8 }));
    }

    [Fact]
    public void A_dispose_during_a_pass_waits_for_it_and_a_second_pass_at_once_is_refused()
    {
        // Before: Dispose from another thread unmapped the weights under a running GEMM (an access violation ended the
        // process), and two threads running one model overwrote each other's buffers without a sign.
        using var folder = new TempFolder();
        string path = WriteCheckpoint(folder, DType.BF16);
        Gpt2Model held = Gpt2Model.Load(path, new ModelLoadOptions { WeightType = DType.BF16 });
        float[] before = Logits(held);
        HalfPrecisionWeights weights = held.Store.HalfWeights!;
        using (held.Passes.Enter())
        {
            // A pass is running (held open here, as another thread's would be).
            var busy = Assert.Throws<InvalidOperationException>(() => Logits(held));
            Assert.Contains("already running a pass on another thread", busy.Message, StringComparison.Ordinal);
            held.Dispose();
            Assert.False(weights.IsDisposed, "the weights must stay mapped until the running pass ends");
        }
        Assert.True(weights.IsDisposed, "the pass that ended performs the release");
        Assert.Throws<ObjectDisposedException>(() => Logits(held));

        // A float32 model is guarded the same way against a second pass, and keeps running after Dispose.
        Gpt2Model plain = Gpt2Model.Load(path);
        using (plain.Passes.Enter())
        {
            Assert.Throws<InvalidOperationException>(() => Logits(plain));
        }
        plain.Dispose();
        Assert.Equal(Logits(plain).Length, before.Length);
    }
}
