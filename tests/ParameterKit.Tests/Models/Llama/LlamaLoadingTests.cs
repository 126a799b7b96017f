using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// Loading a Hub folder is strict: every declared tensor must be stored and every stored tensor declared, except rotary
/// <c>inv_freq</c> buffers, which are ignored and reported. The dispatcher picks the architecture by <c>model_type</c>.
/// </summary>
public sealed class LlamaLoadingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llama-load-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Stored_rotary_buffers_are_ignored_and_reported()
    {
        LlamaModel model = LlamaModel.Load(LlamaFixture.FolderOf("mha"));
        CheckpointLoadReport report = Assert.IsType<CheckpointLoadReport>(model.LoadReport);
        Assert.True(report.IsComplete);
        Assert.Equal(["model.layers.0.self_attn.rotary_emb.inv_freq", "model.layers.1.self_attn.rotary_emb.inv_freq"], report.Buffers.Order(StringComparer.Ordinal));
        Assert.Contains("2 buffers", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sharded_checkpoint_loads_from_its_index()
    {
        LlamaModel model = LlamaModel.Load(LlamaFixture.FolderOf("gqa_llama3"));
        Assert.Equal(model.Store.Parameters.Count, model.LoadReport!.Loaded.Count);
    }

    [Fact]
    public void A_missing_tensor_fails_naming_it()
    {
        LlamaConfig config = SmallConfig();
        WriteCheckpoint(config, skip: "model.layers.1.mlp.up_proj.weight");
        var error = Assert.Throws<CheckpointLoadException>(() => LlamaModel.Load(_folder));
        Assert.Equal(["model.layers.1.mlp.up_proj.weight"], error.Report.Missing);
    }

    [Fact]
    public void An_undeclared_tensor_fails_naming_it()
    {
        // A checkpoint with q/k/v biases (Qwen2's) under a Llama config that declares none: loading would drop them.
        LlamaConfig config = SmallConfig();
        WriteCheckpoint(config, extra: "model.layers.0.self_attn.q_proj.bias");
        var error = Assert.Throws<CheckpointLoadException>(() => LlamaModel.Load(_folder));
        Assert.Equal(["model.layers.0.self_attn.q_proj.bias"], error.Report.Unexpected);
    }

    [Fact]
    public void A_stored_head_differing_from_tied_embeddings_fails()
    {
        LlamaConfig config = SmallConfig() with { TieEmbeddings = true };
        WriteCheckpoint(config, extra: "lm_head.weight");
        var error = Assert.Throws<CheckpointLoadException>(() => LlamaModel.Load(_folder));
        Assert.Equal("lm_head.weight", Assert.Single(error.Report.Skipped).Tensor);
    }

    [Fact]
    public void Saved_weights_load_back_to_the_same_logits()
    {
        LlamaModel model = LlamaModel.Create(SmallConfig() with { ModelType = "qwen2", TieEmbeddings = true }, seed: 7);
        File.WriteAllText(Path.Combine(_folder, "config.json"), """
            {"model_type": "qwen2", "vocab_size": 19, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 32, "rms_norm_eps": 1e-05, "tie_word_embeddings": true}
            """);
        model.Save(Path.Combine(_folder, "model.safetensors"));
        LlamaModel loaded = LlamaModel.Load(_folder);
        Assert.Equal(model.Config, loaded.Config);
        var expected = new float[3 * 19];
        var actual = new float[3 * 19];
        model.Forward([4, 1, 18], 1, 3, expected);
        loaded.Forward([4, 1, 18], 1, 3, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_dispatcher_loads_gpt2_folders_as_gpt2()
    {
        string gpt2 = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gpt2", "c24_h3_l2");
        Assert.IsType<Gpt2Model>(CausalLanguageModel.Load(gpt2));
    }

    [Fact]
    public void The_dispatcher_names_an_unsupported_model_type()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), """{"model_type": "t5", "d_model": 512}""");
        var error = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(_folder));
        Assert.Equal("model_type", error.Setting);
        Assert.Contains("model_type 't5' is not supported (supported: gpt2, llama, mistral, qwen2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_config_is_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => CausalLanguageModel.Load(_folder));
        Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(_folder));
    }

    [Fact]
    public void Forward_refuses_bad_shapes_and_a_foreign_cache()
    {
        LlamaModel model = LlamaModel.Create(SmallConfig(), seed: 1);
        var logits = Assert.Throws<ShapeMismatchException>(() => model.Forward([1, 2, 3], 1, 3, new float[5]));
        Assert.StartsWith("Shape mismatch at 'LlamaModel':", logits.Message, StringComparison.Ordinal);   // the root's path is empty
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new int[33], 1, 33, new float[33 * 19]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward([1, 19], 1, 2, new float[2 * 19]));
        KvCache foreign = LlamaModel.Create(SmallConfig() with { KeyValueHeads = 4 }, seed: 1).CreateCache();
        Assert.Throws<ShapeMismatchException>(() => model.ForwardCached([1], foreign, new float[19]));
        KvCache small = model.CreateCache(capacity: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardCached([1, 2, 3], small, new float[19]));
    }

    /// <summary>V 19, C 16, I 24, 2 layers, 4 heads sharing 2 key/value heads, context 32.</summary>
    private static LlamaConfig SmallConfig() => new(19, 16, 24, 2, 4, 2) { ContextLength = 32 };

    private void WriteCheckpoint(LlamaConfig config, string? skip = null, string? extra = null)
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), $$"""
            {"model_type": "llama", "vocab_size": {{config.VocabSize}}, "hidden_size": {{config.Hidden}}, "intermediate_size": {{config.Intermediate}},
             "num_hidden_layers": {{config.Layers}}, "num_attention_heads": {{config.Heads}}, "num_key_value_heads": {{config.KeyValueHeads}},
             "max_position_embeddings": {{config.ContextLength}}, "rms_norm_eps": 1e-05, "tie_word_embeddings": {{(config.TieEmbeddings ? "true" : "false")}}}
            """);
        LlamaModel model = LlamaModel.Create(config, seed: 3);
        var writer = new SafeTensorsWriter();
        foreach (var p in model.Store.Parameters)
        {
            if (p.Name != skip)
            {
                writer.Add(p.Name, p.Shape, p.Value.ToArray());
            }
        }
        if (extra == "lm_head.weight")
        {
            writer.Add(extra, new Shape(config.VocabSize, config.Hidden), Enumerable.Range(0, config.VocabSize * config.Hidden).Select(i => i * 1e-3f).ToArray());
        }
        else if (extra is not null)
        {
            writer.Add(extra, new Shape(config.Heads * config.ResolvedHeadDim), new float[config.Heads * config.ResolvedHeadDim]);
        }
        writer.Save(Path.Combine(_folder, "model.safetensors"));
    }
}
