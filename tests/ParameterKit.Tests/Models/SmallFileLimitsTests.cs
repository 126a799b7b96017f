using ParameterKit.Adapters;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Models;

/// <summary>
/// The small files beside a checkpoint (config.json, adapter_config.json, tokenizer files, chat_template.jinja) are
/// read as the checkpoint itself is: a FIFO or device is refused before it is opened (opening a FIFO blocks until a
/// writer comes, reading /dev/zero never ends), and a file far larger than its kind ever is, before it is read.
/// </summary>
public sealed class SmallFileLimitsTests
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    /// <summary>A copy of <paramref name="source"/> with <paramref name="replaced"/> made a FIFO.</summary>
    private static string WithFifo(TempFolder folder, string source, string replaced)
    {
        foreach (string file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != replaced))
        {
            File.Copy(file, folder.File(Path.GetFileName(file)));
        }
        return SpecialFiles.MakeFifo(folder, replaced);
    }

    [Fact]
    public void A_fifo_as_config_json_is_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string fifo = WithFifo(folder, Fixture("gpt2", "c24_h3_l2"), "config.json");
        var load = Assert.IsType<ModelConfigException>(SpecialFiles.WithinTenSeconds(() => CausalLanguageModel.Load(folder.Path), fifo));
        Assert.Contains("not a regular file", load.Message, StringComparison.Ordinal);
        Assert.Contains(fifo, load.Message, StringComparison.Ordinal);
        Assert.IsType<ModelConfigException>(SpecialFiles.WithinTenSeconds(() => Gpt2Model.Load(folder.Path), fifo));
        // Given as the model itself, it is not taken for GGUF and opened either.
        Assert.IsType<ArgumentException>(SpecialFiles.WithinTenSeconds(() => CausalLanguageModel.Load(fifo), fifo));
    }

    [Theory]
    [InlineData("llama3", "tokenizer.json")]
    [InlineData("llama3", "tokenizer_config.json")]
    [InlineData("llama2", "tokenizer.model")]
    public void A_fifo_as_a_tokenizer_file_is_refused_without_blocking(string tokenizer, string file)
    {
        using var folder = new TempFolder();
        string fifo = WithFifo(folder, Fixture("tokenizers", tokenizer), file);
        var e = Assert.IsType<TokenizerFormatException>(SpecialFiles.WithinTenSeconds(() => ModelTokenizer.FromFolder(folder.Path), fifo));
        Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_as_chat_template_jinja_is_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string fifo = WithFifo(folder, Fixture("tokenizers", "llama3"), "chat_template.jinja");
        Assert.IsType<TokenizerFormatException>(SpecialFiles.WithinTenSeconds(() => ModelTokenizer.FromFolder(folder.Path), fifo));
    }

    [Fact]
    public void A_fifo_as_adapter_config_json_is_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string fifo = WithFifo(folder, Fixture("lora", "gpt2_c24_r4"), "adapter_config.json");
        var model = Gpt2Model.Load(Fixture("gpt2", "c24_h3_l2"));
        var e = Assert.IsType<FormatException>(SpecialFiles.WithinTenSeconds(() => LoraAdapters.Load(model.Store, folder.Path), fifo));
        Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_json_far_larger_than_any_is_refused_before_it_is_read()
    {
        using var folder = new TempFolder();
        foreach (string file in Directory.GetFiles(Fixture("gpt2", "c24_h3_l2")))
        {
            File.Copy(file, folder.File(Path.GetFileName(file)));
        }
        // A sparse file: 1 GB long, nothing written.
        using (var config = new FileStream(folder.File("config.json"), FileMode.Create))
        {
            config.SetLength(1L << 30);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(folder.Path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated more than 1 MB");
        Assert.Contains("1,073,741,824 bytes", e.Message, StringComparison.Ordinal);
    }
}
