using System.Text.Json;
using ParameterKit.Adapters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using static ParameterKit.Tests.Adapters.LoraTestModels;

namespace ParameterKit.Tests.Adapters;

public sealed class PeftAdapterFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pk-lora-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Gpt2AdapterFilesCarryPeftsNamesShapesAndConfig()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions
        {
            Rank = 4, Alpha = 16, Dropout = 0.05, TargetModules = ["c_attn"], BaseModelName = "tiny-gpt2", Seed = 1,
        });
        lora.Save(_folder);

        using (var file = SafeTensorsFile.Open(Path.Combine(_folder, "adapter_model.safetensors")))
        {
            Assert.Equal(4, file.Tensors.Count);
            var a = file.GetTensor("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight");
            var b = file.GetTensor("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight");
            Assert.Equal([4UL, 24UL], a.Dimensions.ToArray());   // r x in
            Assert.Equal([72UL, 4UL], b.Dimensions.ToArray());   // out x r
            Assert.Equal(DType.F32, a.DType);
        }
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "adapter_config.json")));
        var root = config.RootElement;
        Assert.Equal("LORA", root.GetProperty("peft_type").GetString());
        Assert.Equal("CAUSAL_LM", root.GetProperty("task_type").GetString());
        Assert.Equal("tiny-gpt2", root.GetProperty("base_model_name_or_path").GetString());
        Assert.Equal(4, root.GetProperty("r").GetInt32());
        Assert.Equal(16, root.GetProperty("lora_alpha").GetInt32());
        Assert.Equal(0.05, root.GetProperty("lora_dropout").GetDouble(), 12);
        Assert.Equal(new[] { "c_attn" }, root.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.True(root.GetProperty("fan_in_fan_out").GetBoolean());
        Assert.Equal("none", root.GetProperty("bias").GetString());
        Assert.False(root.GetProperty("use_rslora").GetBoolean());
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void ARoundTripGivesTheSameLogits()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 3, Alpha = 5, UseRsLora = true, TargetModules = ["c_attn", "mlp.c_fc"], Seed = 2 });
        Randomize(lora, 3);
        model.SetTraining(false);
        float[] expected = Logits(model);
        lora.Save(_folder);

        var fresh = TinyGpt2();
        var loaded = LoraAdapters.Load(fresh.Store, _folder);
        fresh.SetTraining(false);
        Assert.Equal(expected, Logits(fresh));
        Assert.Equal(3, loaded.Options.Rank);
        Assert.True(loaded.Options.UseRsLora);
        Assert.Equal(lora.Store.Values.ToArray(), loaded.Store.Values.ToArray());
        Assert.All(fresh.Store.Parameters, p => Assert.False(p.IsTrainable));
    }

    [Fact]
    public void LlamaNamesFollowPeft()
    {
        var model = TinyLlama();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 2, TargetModules = ["*.q_proj", "*.v_proj"] });
        lora.Save(_folder);
        using var file = SafeTensorsFile.Open(Path.Combine(_folder, "adapter_model.safetensors"));
        Assert.Contains(file.Tensors, t => t.Name == "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
        Assert.Contains(file.Tensors, t => t.Name == "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "adapter_config.json")));
        Assert.False(config.RootElement.GetProperty("fan_in_fan_out").GetBoolean());
        Assert.Equal(new[] { "q_proj", "v_proj" }, config.RootElement.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var fresh = TinyLlama();
        Assert.Equal(lora.Adapters.Count, LoraAdapters.Load(fresh.Store, _folder).Adapters.Count);
    }

    [Fact]
    public void AnAdapterOfSomeLayersOnlyWritesARegexThatSelectsExactlyThem()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { TargetModules = ["h.1.attn.c_proj"] });
        lora.Save(_folder);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "adapter_config.json")));
        Assert.Equal(@"(transformer\.h\.1\.attn\.c_proj)", config.RootElement.GetProperty("target_modules").GetString());
        Assert.Single(LoraAdapters.Load(TinyGpt2().Store, _folder).Adapters);
    }

    [Fact]
    public void AShapeMismatchNamesTheTensorAndBothShapes()
    {
        var lora = LoraAdapters.Attach(TinyGpt2("c24_h3_l2").Store, new LoraOptions { Rank = 4, TargetModules = ["c_attn"] });
        lora.Save(_folder);
        var other = TinyGpt2("c32_h4_l3");   // C = 32, not 24
        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(other.Store, _folder));
        Assert.Equal("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", e.Name);
        Assert.Equal(new Shape(4, 32), e.Expected);
        Assert.Equal(new Shape(4, 24), e.Actual);
        Assert.Contains("[4, 24]", e.Message);
        Assert.Contains("[4, 32]", e.Message);
        Assert.All(other.Store.Parameters, p => Assert.True(p.IsTrainable));   // refused before touching the model
        Assert.All(other.Blocks, b => Assert.Null(b.Attention.QueryKeyValue.Adapter));
    }

    [Fact]
    public void AnUnknownTargetIsRefusedByName()
    {
        var lora = LoraAdapters.Attach(TinyGpt2("c32_h4_l3").Store, new LoraOptions { TargetModules = ["h.2.mlp.c_fc"] });
        lora.Save(_folder);
        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(TinyGpt2("c24_h3_l2").Store, _folder));   // two blocks: no h.2
        Assert.Equal("base_model.model.transformer.h.2.mlp.c_fc.lora_A.weight", e.Name);
        Assert.Contains("not a linear layer of this model", e.Message);
    }

    [Fact]
    public void AConfigTargetMatchingNoLayerIsRefused()
    {
        var lora = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { TargetModules = ["c_attn"] });
        lora.Save(_folder);
        string path = Path.Combine(_folder, "adapter_config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"c_attn\"", "\"c_attn\", \"q_proj\""));
        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(TinyGpt2().Store, _folder));
        Assert.Equal("q_proj", e.Name);
    }

    [Fact]
    public void AConfigThatIsNotLoraIsAFormatError()
    {
        var lora = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { TargetModules = ["c_attn"] });
        lora.Save(_folder);
        string path = Path.Combine(_folder, "adapter_config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"LORA\"", "\"IA3\""));
        var e = Assert.Throws<FormatException>(() => LoraAdapters.Load(TinyGpt2().Store, _folder));
        Assert.Contains("IA3", e.Message);
        Assert.Throws<FileNotFoundException>(() => LoraAdapters.Load(TinyGpt2().Store, Path.Combine(_folder, "missing")));
    }

    [Theory]
    [InlineData("\"rank_pattern\": {\"c_attn\": 16}", "'rank_pattern' gives some layers their own rank")]
    [InlineData("\"alpha_pattern\": {\"c_attn\": 32}", "'alpha_pattern' gives some layers their own alpha")]
    [InlineData("\"layers_to_transform\": [0]", "'layers_to_transform' is set")]
    [InlineData("\"use_dora\": true", "use_dora is true")]
    [InlineData("\"target_modules\": \"(\"", "is not a valid regular expression")]
    [InlineData("\"base_model_name_or_path\": \"\\ud800\"", "not valid UTF-8 text")]
    [InlineData("\"target_modules\": [\"c_attn\", \"\\udc00\"]", "not valid UTF-8 text")]
    [InlineData("\"target_modules\": \"c_\\ud800attn\"", "not valid UTF-8 text")]
    public void Settings_that_change_the_adapter_or_cannot_be_read_are_refused(string setting, string says)
    {
        var lora = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { TargetModules = ["c_attn"] });
        lora.Save(_folder);
        string path = Path.Combine(_folder, "adapter_config.json");
        // The setting goes last, after whatever the writer put: JSON's last duplicate key wins, as in Python.
        string config = File.ReadAllText(path).TrimEnd();
        File.WriteAllText(path, config[..^1].TrimEnd() + ", " + setting + "}");
        var e = Assert.Throws<FormatException>(() => LoraAdapters.Load(TinyGpt2().Store, _folder));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_the_config_does_not_target_is_not_loaded_from_the_weights()
    {
        // The weights adapt c_attn and c_fc; the config names only c_attn, so PEFT would build no c_fc adapter.
        var lora = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { TargetModules = ["c_attn", "c_fc"] });
        lora.Save(_folder);
        string path = Path.Combine(_folder, "adapter_config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"c_fc\"", "\"c_attn\""));
        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(TinyGpt2().Store, _folder));
        Assert.Contains("c_fc", e.Message, StringComparison.Ordinal);
        Assert.Contains("which target_modules", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_save_that_fails_leaves_the_previous_adapter_as_it_was()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["c_attn"] });
        lora.Save(_folder);
        byte[] config = File.ReadAllBytes(Path.Combine(_folder, "adapter_config.json"));
        // The weights cannot replace what is now a folder; the config, written first before, changed α on its own.
        string weights = Path.Combine(_folder, "adapter_model.safetensors");
        File.Delete(weights);
        Directory.CreateDirectory(weights);
        lora.Detach();
        var other = LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 4, Alpha = 32, TargetModules = ["c_attn"] });

        Assert.ThrowsAny<IOException>(() => other.Save(_folder));

        Assert.Equal(config, File.ReadAllBytes(Path.Combine(_folder, "adapter_config.json")));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void A_config_from_another_save_is_refused_instead_of_scaling_the_adapter_wrongly()
    {
        LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["c_attn"] }).Save(_folder);
        string second = Path.Combine(_folder, "second");
        LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 4, Alpha = 32, TargetModules = ["c_attn"] }).Save(second);
        File.Copy(Path.Combine(second, "adapter_config.json"), Path.Combine(_folder, "adapter_config.json"), overwrite: true);
        var model = TinyGpt2();

        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(model.Store, _folder));

        Assert.Contains("saved with lora_alpha 16", e.Message, StringComparison.Ordinal);
        Assert.Contains("says 32", e.Message, StringComparison.Ordinal);
        Assert.All(model.Store.Parameters, p => Assert.True(p.IsTrainable));
        // The same α in both files loads, whatever else the config says.
        string path = Path.Combine(_folder, "adapter_config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"lora_alpha\": 32", "\"lora_alpha\": 16.0"));
        Assert.Equal(16, LoraAdapters.Load(TinyGpt2().Store, _folder).Options.Alpha);
    }

    [Fact]
    public void A_gpt2_head_adapter_carries_peft_s_lm_head_name_and_loads_back()
    {
        var model = TinyGpt2();
        var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 2, TargetModules = ["lm_head"], Seed = 4 });
        Randomize(lora, 5);
        float[] expected = Logits(model);
        lora.Save(_folder);
        using (var file = SafeTensorsFile.Open(Path.Combine(_folder, "adapter_model.safetensors")))
        {
            // GPT2LMHeadModel holds transformer and lm_head side by side: PEFT's key has no "transformer.".
            Assert.Equal(["base_model.model.lm_head.lora_A.weight", "base_model.model.lm_head.lora_B.weight"],
                file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal).ToArray());
        }
        var loaded = TinyGpt2();
        LoraAdapters.Load(loaded.Store, _folder);
        Assert.Equal(expected, Logits(loaded));
    }

    [Fact]
    public void A_matrix_with_no_float_conversion_is_refused_before_the_model_is_touched()
    {
        LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 4, TargetModules = ["c_attn"] }).Save(_folder);
        string path = Path.Combine(_folder, "adapter_model.safetensors");
        var writer = new SafeTensorsWriter();
        using (var file = SafeTensorsFile.Open(path))
        {
            foreach (var tensor in file.Tensors)
            {
                // C64 holds two floats per element: the same bytes, half the elements along the last axis.
                bool a = tensor.Name.EndsWith("h.0.attn.c_attn.lora_A.weight", StringComparison.Ordinal);
                var dims = tensor.Dimensions.ToArray();
                writer.Add(tensor.Name, a ? DType.C64 : tensor.DType, a ? [dims[0], dims[1] / 2] : dims, file.GetBytes(tensor).ToArray());
            }
        }
        writer.Save(path);
        var model = TinyGpt2();

        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(model.Store, _folder));

        Assert.Contains("C64", e.Message, StringComparison.Ordinal);
        Assert.Equal("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", e.Name);
        Assert.All(model.Store.Parameters, p => Assert.True(p.IsTrainable));
        Assert.All(model.Blocks, b => Assert.Null(b.Attention.QueryKeyValue.Adapter));
    }

    [Theory]
    [InlineData(0, "holds no LoRA matrix at all")]
    [InlineData(1, "1 of the targeted layers have one")]
    public void An_empty_or_partial_weights_file_is_refused(int keptLayers, string says)
    {
        LoraAdapters.Attach(TinyGpt2().Store, new LoraOptions { Rank = 4, TargetModules = ["c_attn"] }).Save(_folder);
        string path = Path.Combine(_folder, "adapter_model.safetensors");
        var writer = new SafeTensorsWriter();
        using (var file = SafeTensorsFile.Open(path))
        {
            foreach (var tensor in file.Tensors.Where(t => keptLayers > 0 && t.Name.Contains(".h.0.", StringComparison.Ordinal)))
            {
                writer.Add(tensor.Name, tensor.DType, tensor.Dimensions, file.GetBytes(tensor).ToArray());
            }
        }
        writer.Save(path);

        var e = Assert.Throws<LoraAdapterException>(() => LoraAdapters.Load(TinyGpt2().Store, _folder));

        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains(keptLayers == 0 ? "h.0.attn.c_attn" : "h.1.attn.c_attn", e.Message, StringComparison.Ordinal);
    }
}
