using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>Loading checkpoints into a ParameterStore and saving a store as a checkpoint.</summary>
public sealed class StoreCheckpointTests
{
    /// <summary>A tiny GPT-2-shaped model: wte (V x C), one Conv1D-style projection, a bias, a norm gain, lm_head tied.</summary>
    private static ParameterStore Tiny(ulong seed = 1)
    {
        var store = new ParameterStore();
        Embedding wte = store.Scope("wte").Embedding(5, 3);
        store.Scope("h").Scope(0).Scope("attn").Scope("c_attn").Weight(9, 3);
        store.Scope("h").Scope(0).Scope("attn").Scope("c_attn").Bias(9);
        store.Scope("ln_f").NormGain(3);
        store.Scope("lm_head").Tie("weight", wte);
        store.Materialize(seed);
        return store;
    }

    private static float[] Ramp(int n, float scale) => [.. Enumerable.Range(0, n).Select(i => i * scale)];

    /// <summary>A checkpoint as Hugging Face writes GPT-2: transformer. prefix, c_attn stored C x 3C, bf16 bias, a mask buffer.</summary>
    private static string WriteHfStyle(TempFolder folder, out float[] cAttnStored)
    {
        cAttnStored = Ramp(27, 0.5f);
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        writer.Add("transformer.wte.weight", new Shape(5, 3), Ramp(15, 1f));
        writer.Add("transformer.h.0.attn.c_attn.weight", new Shape(3, 9), cAttnStored);
        var bias = new byte[18];
        ParameterKit.Tensors.Conversions.BFloat16Conversion.FromSingle(Ramp(9, -1f), bias);
        writer.Add("transformer.h.0.attn.c_attn.bias", DType.BF16, [9], bias);
        writer.Add("transformer.ln_f.weight", new Shape(3), new float[] { 1, 1, 1 });
        writer.Add("transformer.h.0.attn.bias", new Shape(1, 1, 2, 2), new float[] { 1, 0, 1, 1 });
        writer.Add("lm_head.weight", new Shape(5, 3), Ramp(15, 1f));
        string path = folder.File("model.safetensors");
        writer.Save(path);
        return path;
    }

    [Fact]
    public void Hugging_face_layout_loads_with_prefix_strip_transpose_dtype_conversion_and_tie()
    {
        using var folder = new TempFolder();
        string path = WriteHfStyle(folder, out float[] stored);
        ParameterStore store = Tiny();

        CheckpointLoadReport report = store.Load(path, Gpt2HubLayout.LoadOptions);

        Assert.True(report.IsComplete, report.ToString());
        Assert.Equal(Ramp(15, 1f), store["wte.weight"].Value.ToArray());
        Span<float> w = store["h.0.attn.c_attn.weight"].Value;
        for (int oc = 0; oc < 9; oc++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(stored[c * 9 + oc], w[oc * 3 + c]);
            }
        }
        Assert.Equal(Ramp(9, -1f), store["h.0.attn.c_attn.bias"].Value.ToArray());
        Assert.Equal(["transformer.h.0.attn.bias"], report.Buffers);
        Assert.Equal(["lm_head.weight"], report.TiedCopies);
        Assert.Empty(report.Skipped);
    }

    [Fact]
    public void Strict_load_reports_every_problem_at_once_and_changes_nothing()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("wte.weight", new Shape(4, 3), new float[12]);
        writer.Add("h.0.attn.c_attn.bias", new Shape(9), new float[9]);
        writer.Add("surprise.weight", new Shape(2), new float[2]);
        string path = folder.File("bad.safetensors");
        writer.Save(path);
        ParameterStore store = Tiny();
        float[] before = store.Values.ToArray();

        var e = Assert.Throws<CheckpointLoadException>(() => store.Load(path));

        Assert.Equal(["h.0.attn.c_attn.weight", "ln_f.weight"], e.Report.Missing);
        Assert.Equal(["surprise.weight"], e.Report.Unexpected);
        CheckpointMismatch m = Assert.Single(e.Report.Mismatched);
        Assert.Equal("wte.weight", m.Parameter);
        Assert.Contains("[5, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("F32 [4, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("surprise.weight", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Values.ToArray());
    }

    [Fact]
    public void Non_strict_load_returns_the_report_and_loads_what_matches()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("encoder.ln_f.weight", new Shape(3), new float[] { 7, 8, 9 });
        writer.Add("encoder.extra", new Shape(1), new float[] { 0 });
        string path = folder.File("partial.safetensors");
        writer.Save(path);
        ParameterStore store = Tiny();

        CheckpointLoadReport report = store.Load(path, new CheckpointLoadOptions
        {
            Strict = false,
            StripPrefix = "encoder.",
            MapName = n => n == "extra" ? null : n,
        });

        Assert.Equal(["ln_f.weight"], report.Loaded);
        Assert.Equal(["encoder.extra"], report.Excluded);
        Assert.Empty(report.Skipped);
        Assert.Equal(3, report.Missing.Count);
        Assert.Equal([7f, 8f, 9f], store["ln_f.weight"].Value.ToArray());
    }

    [Fact]
    public void Save_then_load_round_trips_and_writes_tied_parameters_once()
    {
        using var folder = new TempFolder();
        string path = folder.File("saved.safetensors");
        ParameterStore original = Tiny(seed: 7);
        original.Save(path, transposed: Gpt2HubLayout.IsConv1DWeight);

        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal("pt", file.Metadata!["format"]);
            Assert.DoesNotContain(file.Tensors, t => t.Name == "lm_head.weight");
            Assert.All(file.Tensors, t => Assert.Equal(DType.F32, t.DType));
            Assert.Equal([3UL, 9UL], file.GetTensor("h.0.attn.c_attn.weight").Dimensions.ToArray());
            Assert.Equal(original.Parameters.Count, file.Tensors.Count);
        }

        ParameterStore copy = Tiny(seed: 8);
        Assert.NotEqual(original.Values.ToArray(), copy.Values.ToArray());
        copy.Load(path, new CheckpointLoadOptions { Transposed = Gpt2HubLayout.IsConv1DWeight });
        Assert.Equal(original.Values.ToArray(), copy.Values.ToArray());
    }

    [Fact]
    public void Gpt2_store_round_trips_in_hugging_face_layout()
    {
        var config = new Gpt2Config(VocabSize: 11, Positions: 8, Channels: 8, Layers: 2, Heads: 2);
        ParameterStore a = config.Declare();
        a.Materialize(seed: 3);
        using var folder = new TempFolder();
        string path = folder.File("gpt2.safetensors");
        a.Save(path, transposed: Gpt2HubLayout.IsConv1DWeight);

        using (var checkpoint = SafeTensorsCheckpoint.Open(path))
        {
            Assert.Equal(a.Count().Total, CheckpointCounter.Count(checkpoint.Tensors).TotalParameters);
        }
        ParameterStore b = config.Declare();
        b.Materialize(seed: 4);
        CheckpointLoadReport report = b.Load(path, Gpt2HubLayout.LoadOptions);
        Assert.True(report.IsComplete, report.ToString());
        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
    }

    [Fact]
    public void Sharded_checkpoint_with_mixed_dtypes_loads_into_a_store()
    {
        var store = new ParameterStore();
        store.Scope("model").Scope("embed").Embedding(4, 2);
        store.Scope("model").Scope("layers").Scope(0).Weight(2, 2, name: "w");
        store.Scope("model").Scope("layers").Scope(1).Weight(2, 2, name: "w");
        store.Scope("lm_head").Weight(2, 4);
        store.Materialize(seed: 0);

        CheckpointLoadReport report = store.Load(Corpus.PathOf("sharded_2/model.safetensors.index.json"));

        Assert.Equal(4, report.Loaded.Count);
        Assert.Equal([1f, 2f, 3f, 4f], store["model.layers.0.w"].Value.ToArray());
        Assert.Equal([5f, 6f, 7f, 8f], store["model.layers.1.w"].Value.ToArray());
        Assert.Equal([-1f, -0.5f, 0f, 0.5f], store["lm_head.weight"].Value[..4].ToArray());
        Assert.Equal([-1f, -0.75f, -0.5f, -0.25f], store["model.embed.weight"].Value[..4].ToArray());
    }

    [Fact]
    public void Unmaterialized_stores_are_refused()
    {
        var store = new ParameterStore();
        store.Scope("x").Bias(2);
        Assert.Throws<InvalidOperationException>(() => store.Save("never.safetensors"));
    }

    /// <summary>
    /// The tiny GPT-2 fixture rewritten into <paramref name="folder"/> with its config: <paramref name="add"/> writes each
    /// tensor (name, dtype, dimensions, bytes), as it is or changed.
    /// </summary>
    private static void RewriteGpt2Fixture(TempFolder folder, Action<SafeTensorsWriter, SafeTensorInfo, byte[]> add)
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gpt2", "c24_h3_l2");
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        using (var source = SafeTensorsFile.Open(Path.Combine(fixture, "model.safetensors")))
        {
            foreach (SafeTensorInfo tensor in source.Tensors)
            {
                add(writer, tensor, source.GetBytes(tensor).ToArray());
            }
        }
        writer.Save(folder.File("model.safetensors"));
        File.Copy(Path.Combine(fixture, "config.json"), folder.File("config.json"));
    }

    [Fact]
    public void Two_tensors_naming_one_parameter_are_a_mismatch_not_a_crash()
    {
        // The same embedding under Hugging Face's bare and prefixed names: both map to wte.weight.
        using var folder = new TempFolder();
        RewriteGpt2Fixture(folder, (writer, tensor, bytes) =>
        {
            writer.Add(tensor.Name, tensor.DType, tensor.Dimensions, bytes);
            if (tensor.Name == "wte.weight")
            {
                writer.Add("transformer.wte.weight", tensor.DType, tensor.Dimensions, bytes);
            }
        });

        var e = Assert.Throws<CheckpointLoadException>(() => Gpt2Model.Load(folder.Path));
        CheckpointMismatch twice = Assert.Single(e.Report.Mismatched);
        Assert.Contains("the file holds it twice", twice.ToString(), StringComparison.Ordinal);
        Assert.Contains("wte.weight", twice.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_lists_a_hundred_problems_of_a_kind_and_the_report_all_of_them()
    {
        var store = new ParameterStore();
        for (int i = 0; i < 250; i++)
        {
            store.Scope("h").Scope(i).Bias(2);
        }
        store.Materialize(1);
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("h.0.bias", new Shape(2), new float[2]);
        writer.Save(folder.File("model.safetensors"));

        var e = Assert.Throws<CheckpointLoadException>(() => store.Load(folder.File("model.safetensors")));
        Assert.Equal(249, e.Report.Missing.Count);
        Assert.Equal(CheckpointLoadReport.MaxListedPerKind, e.Message.Split('\n').Count(line => line.StartsWith("  missing: ", StringComparison.Ordinal)));
        Assert.Contains("... and 149 more missing (the report's list holds them all)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_matrix_stored_untransposed_where_the_layout_transposes_names_the_shape_wanted()
    {
        // GPT-2's Conv1D stores c_attn as [C, 3C] = [24, 72]; stored as the parameter's own [72, 24], the message said
        // "expected [72, 24], got F32 [72, 24]" and only then that the tensor is stored transposed.
        using var folder = new TempFolder();
        RewriteGpt2Fixture(folder, (writer, tensor, bytes) => writer.Add(tensor.Name, tensor.DType,
            tensor.Name == "h.0.attn.c_attn.weight" ? [tensor.Dimensions[1], tensor.Dimensions[0]] : tensor.Dimensions, bytes));

        var e = Assert.Throws<CheckpointLoadException>(() => Gpt2Model.Load(folder.Path));
        Assert.Contains("this layout stores the parameter transposed, as [24, 72]", Assert.Single(e.Report.Mismatched).ToString(), StringComparison.Ordinal);
    }
}
