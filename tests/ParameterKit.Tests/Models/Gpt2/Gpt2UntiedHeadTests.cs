using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models.Gpt2;

/// <summary>
/// An untied GPT-2 (<c>tie_word_embeddings: false</c>, its own <c>lm_head.weight</c>) must run its own head; and a
/// stored tensor whose values are not loaded must show in the report and fail a strict load.
/// </summary>
public sealed class Gpt2UntiedHeadTests
{
    private static readonly Gpt2Config Untied = new(VocabSize: 11, Positions: 8, Channels: 6, Layers: 1, Heads: 2, TieWordEmbeddings: false);

    private const string UntiedConfigJson =
        """{"model_type": "gpt2", "vocab_size": 11, "n_positions": 8, "n_embd": 6, "n_layer": 1, "n_head": 2, "tie_word_embeddings": false}""";

    /// <summary>A tiny untied checkpoint folder as transformers writes it: config.json and model.safetensors with lm_head.weight.</summary>
    private static Gpt2Model WriteUntiedFolder(TempFolder folder)
    {
        Gpt2Model model = Gpt2Model.Create(Untied, seed: 5);
        File.WriteAllText(folder.File("config.json"), UntiedConfigJson);
        model.Save(folder.File("model.safetensors"));
        return model;
    }

    [Fact]
    public void An_untied_checkpoint_loads_its_own_head_not_the_token_embedding()
    {
        using var folder = new TempFolder();
        Gpt2Model original = WriteUntiedFolder(folder);
        Assert.NotEqual(original.TokenEmbedding.Table.Value.ToArray(), original.Head.Weight.Value.ToArray());

        Gpt2Model loaded = Gpt2Model.Load(folder.Path);

        Assert.False(loaded.Config.TieWordEmbeddings);
        Assert.Equal(original.Head.Weight.Value.ToArray(), loaded.Head.Weight.Value.ToArray());
        Assert.NotEqual(loaded.TokenEmbedding.Table.Value.ToArray(), loaded.Head.Weight.Value.ToArray());
        int[] ids = [1, 4, 9];
        var expected = new float[ids.Length * Untied.VocabSize];
        var actual = new float[expected.Length];
        original.Forward(ids, 1, ids.Length, expected);
        loaded.Forward(ids, 1, ids.Length, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void An_untied_config_counts_its_head_separately()
    {
        Gpt2Config tied = Untied with { TieWordEmbeddings = true };
        long difference = Untied.Declare().ElementCount - tied.Declare().ElementCount;
        Assert.Equal((long)Untied.VocabSize * Untied.Channels, difference);
    }

    [Fact]
    public void An_untied_checkpoint_in_a_tied_model_fails_a_strict_load_naming_the_head()
    {
        using var folder = new TempFolder();
        WriteUntiedFolder(folder);
        var store = (Untied with { TieWordEmbeddings = true }).Declare();
        store.MaterializeForLoading();
        float[] before = store.Values.ToArray();

        var e = Assert.Throws<CheckpointLoadException>(() => store.Load(folder.File("model.safetensors"), Gpt2HubLayout.LoadOptions));

        CheckpointSkip skip = Assert.Single(e.Report.Skipped);
        Assert.Equal("lm_head.weight", skip.Tensor);
        Assert.False(e.Report.IsComplete);
        Assert.Contains("skipped (stored, not loaded): lm_head.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 skipped", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Values.ToArray());
    }

    [Fact]
    public void A_non_strict_load_reports_the_skipped_head_as_incomplete()
    {
        using var folder = new TempFolder();
        WriteUntiedFolder(folder);
        var store = (Untied with { TieWordEmbeddings = true }).Declare();
        store.MaterializeForLoading();

        CheckpointLoadReport report = store.Load(folder.File("model.safetensors"), Gpt2HubLayout.LoadOptions with { Strict = false });

        Assert.False(report.IsComplete);
        Assert.Equal("lm_head.weight", Assert.Single(report.Skipped).Tensor);
        Assert.Contains("lm_head.weight", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tied_alias_stored_with_identical_bytes_is_a_harmless_copy()
    {
        using var folder = new TempFolder();
        Gpt2Config tied = Untied with { TieWordEmbeddings = true };
        Gpt2Model model = Gpt2Model.Create(tied, seed: 3);
        var writer = new SafeTensorsWriter();
        foreach (var parameter in model.Store.Parameters)
        {
            writer.Add(parameter.Name, parameter.Shape, parameter.Value.ToArray());
        }
        writer.Add("lm_head.weight", model.TokenEmbedding.Table.Shape, model.TokenEmbedding.Table.Value.ToArray());
        string path = folder.File("model.safetensors");
        writer.Save(path);
        var store = tied.Declare();
        store.MaterializeForLoading();

        CheckpointLoadReport report = store.Load(path);

        Assert.True(report.IsComplete, report.ToString());
        Assert.Equal(["lm_head.weight"], report.TiedCopies);
        Assert.Empty(report.Skipped);
    }

    [Fact]
    public void The_config_reader_reads_tie_word_embeddings()
    {
        Assert.False(Gpt2ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(UntiedConfigJson)).TieWordEmbeddings);
        Assert.True(Gpt2ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(UntiedConfigJson.Replace("false", "true", StringComparison.Ordinal))).TieWordEmbeddings);
        var e = Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse(System.Text.Encoding.UTF8.GetBytes(UntiedConfigJson.Replace("false", "0", StringComparison.Ordinal))));
        Assert.Contains("tie_word_embeddings", e.Message, StringComparison.Ordinal);
    }
}
