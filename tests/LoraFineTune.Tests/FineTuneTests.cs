using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ParameterKit.SafeTensors;

namespace LoraFineTune.Tests;

/// <summary>
/// The sample run in-process on tiny random folders: the loss falls, PEFT's two files appear with PEFT's tensor names,
/// the PEFT-style trainable line and the adapter's size are printed, and bad usage exits 2 with one line.
/// </summary>
public sealed partial class FineTuneTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pk-lora-run-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await LoraFineTuneApp.RunAsync(args, output, error);
        Assert.DoesNotMatch(StackFrame(), error.ToString());
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"^\s+at \S+\.\S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"^step +(\d+)/(\d+)  loss (\d+\.\d{4})  tokens/s [\d,]+$", RegexOptions.Multiline)]
    private static partial Regex StepLine();

    [Fact]
    public async Task Gpt2TrainsSavesPeftFilesAndPrintsProgress()
    {
        string text = TinyFolders.WriteText(_work), adapter = Path.Combine(_work, "adapter");
        var (code, output, error) = await RunAsync("--model", TinyFolders.Gpt2, "--text", text, "--rank", "4", "--alpha", "8",
            "--targets", "c_attn", "--steps", "12", "--batch", "2", "--context", "32", "--lr", "0.05", "--seed", "3", "--out", adapter);
        Assert.Equal("", error);
        Assert.Equal(0, code);

        // One block, c_attn 16 -> 48 with r = 4: A 4 x 16 + B 48 x 4 = 256 trainable, as PEFT counts them.
        Assert.Contains("trainable params: 256 || all params: ", output, StringComparison.Ordinal);
        var steps = StepLine().Matches(output);
        Assert.Equal(12, steps.Count);
        Assert.All(steps, m => Assert.Equal("12", m.Groups[2].Value));
        float first = float.Parse(steps[0].Groups[3].Value, CultureInfo.InvariantCulture);
        float last = float.Parse(steps[^1].Groups[3].Value, CultureInfo.InvariantCulture);
        // B starts at zero, so step 1 scores the base model: ln(50,257) = 10.825 on a random one. The tied head of a tiny
        // random model has rows of norm about 0.08, which bounds how far any adapter can move the logits; 12 AdamW steps
        // at lr 0.05 still take the loss down by 0.096 (seed 3). Untrained adapters would leave it at 10.8250.
        Assert.Equal(10.8250f, first, 0.0001f);
        Assert.True(last < first - 0.05f, $"loss went from {first} to {last}");
        Assert.All(steps.Skip(steps.Count - 3), m => Assert.True(float.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) < first - 0.03f));

        using (var file = SafeTensorsFile.Open(Path.Combine(adapter, "adapter_model.safetensors")))
        {
            Assert.Equal(
                ["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight"],
                file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        }
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adapter, "adapter_config.json")));
        Assert.Equal("LORA", config.RootElement.GetProperty("peft_type").GetString());
        Assert.Equal(4, config.RootElement.GetProperty("r").GetInt32());
        long bytes = new FileInfo(Path.Combine(adapter, "adapter_config.json")).Length + new FileInfo(Path.Combine(adapter, "adapter_model.safetensors")).Length;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"saved {adapter}: adapter_config.json, adapter_model.safetensors ({bytes / 1e3:F1} kB, {bytes:N0} bytes)"),
            output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameLossesAndJsonReportsThem()
    {
        string text = TinyFolders.WriteText(_work);
        string[] Args(string outName) => ["--model", TinyFolders.Gpt2, "--text", text, "--steps", "3", "--batch", "2", "--context", "16",
            "--lr", "0.01", "--seed", "7", "--out", Path.Combine(_work, outName), "--json"];
        var (code1, output1, _) = await RunAsync(Args("a"));
        var (code2, output2, _) = await RunAsync(Args("b"));
        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        using var one = JsonDocument.Parse(output1);
        using var two = JsonDocument.Parse(output2);
        float[] Losses(JsonDocument d) => [.. d.RootElement.GetProperty("losses").EnumerateArray().Select(e => e.GetSingle())];
        Assert.Equal(3, Losses(one).Length);
        Assert.Equal(Losses(one), Losses(two));
        // The defaults, c_attn with r = 8: A 8 x 16 + B 48 x 8.
        Assert.Equal(512, one.RootElement.GetProperty("trainable_parameters").GetInt64());
    }

    [Fact]
    public async Task ALlamaFolderTrainsWithItsOwnTokenizerOnQAndVByDefault()
    {
        string text = TinyFolders.WriteText(_work), adapter = Path.Combine(_work, "llama-adapter");
        var (code, output, error) = await RunAsync("--model", TinyFolders.Llama, "--text", text, "--steps", "2", "--batch", "1",
            "--context", "16", "--out", adapter);
        Assert.Equal("", error);
        Assert.Equal(0, code);
        Assert.Contains("on q_proj, v_proj", output, StringComparison.Ordinal);
        using var file = SafeTensorsFile.Open(Path.Combine(adapter, "adapter_model.safetensors"));
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", file.Tensors.Select(t => t.Name));
        Assert.Contains("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public async Task HelpListsTheOptions()
    {
        var (code, output, error) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        foreach (string option in new[] { "--model", "--text", "--rank", "--alpha", "--targets", "--steps", "--out", "--seed", "--lr", "--json" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--text notes.txt --out x", "needs --model")]
    [InlineData("--model M --out x", "needs --text")]
    [InlineData("--model M --text notes.txt", "needs --out")]
    [InlineData("--model M --text notes.txt --out x --steps 0", "--steps must be at least 1")]
    [InlineData("--model M --text notes.txt --out x --lr -1", "--lr must be a positive number")]
    [InlineData("--model M --text notes.txt --out x --rankk 4", "Did you mean --rank?")]
    [InlineData("--model M --text notes.txt --out x --rank four", "four")]
    [InlineData("--model M --text notes.txt --out x --rank 0", "--rank must be at least 1, not 0")]
    [InlineData("--model M --text notes.txt --out x --dropout 1", "--dropout must be at least 0 and below 1, not 1")]
    [InlineData("--model M --text notes.txt --out x --targets c_atn", "'c_atn' matches no linear layer")]
    [InlineData("--model M --text notes.txt --out notes.txt", "--out must be a folder for the adapter's files")]   // refused before training, not after
    [InlineData("--model M --text notes.txt --out x --alpha NaN", "--alpha must be a finite number, not NaN")]
    [InlineData("--model M/model.safetensors --text notes.txt --out x", "is a file but not a GGUF file")]
    [InlineData("--model M --text notes.txt --out notes.txt/sub/deeper", "--out must be a folder for the adapter's files")]   // trained, then could not save
    [InlineData("--model M --text notes.txt --out x --steps 1000000 --batch 4000", "--steps x --batch must be at most")]
    [InlineData("--model M --text notes.txt --out x --batch 2147483647", "--batch must be at most 4096")]
    [InlineData("--model M --text notes.txt --out x --rank 2147483647", "--rank must be at most 4096")]
    [InlineData("--model M --text notes.txt --out x --lr 1e300", "--lr must be a positive number a float holds")]
    [InlineData("--model M --text M --out x", "--text must be a text file")]
    [InlineData("--model --text notes.txt --out x", "Option '--model' needs a value")]   // was "No config.json in '__default_command'"
    public async Task BadUsageExits2WithOneLine(string commandLine, string expected)
    {
        string text = TinyFolders.WriteText(_work);
        string[] args = [.. commandLine.Split(' ').Select(a => a switch
        {
            "M" => TinyFolders.Gpt2,
            "M/model.safetensors" => Path.Combine(TinyFolders.Gpt2, "model.safetensors"),
            "notes.txt" => text,
            "notes.txt/sub/deeper" => Path.Combine(text, "sub", "deeper"),
            "x" => Path.Combine(_work, "x"),
            _ => a,
        })];
        var (code, output, error) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("LoraFineTune: error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("step ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingTextFileIsNamedWithItsOption()
    {
        string missing = Path.Combine(_work, "no-notes.txt");
        var (code, _, error) = await RunAsync("--model", TinyFolders.Gpt2, "--text", missing, "--out", Path.Combine(_work, "x"));
        Assert.Equal(1, code);
        Assert.Equal($"LoraFineTune: error: --text: no such file: '{missing}'\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ADeviceOrATooLargeTextIsRefusedBeforeReadingIt()
    {
        // /dev/zero was read to the end: the process grew until an "unexpected OutOfMemoryException".
        if (File.Exists("/dev/zero"))
        {
            var (zeroCode, _, zeroError) = await RunAsync("--model", TinyFolders.Gpt2, "--text", "/dev/zero", "--out", Path.Combine(_work, "z"));
            Assert.Equal(2, zeroCode);
            Assert.DoesNotContain("unexpected", zeroError, StringComparison.Ordinal);
        }
        string large = Path.Combine(_work, "large.txt");
        using (var file = File.Create(large))
        {
            file.SetLength(LoraFineTuneApp.MaxTextBytes + 1);   // sparse: no disk used
        }
        var (code, _, error) = await RunAsync("--model", TinyFolders.Gpt2, "--text", large, "--out", Path.Combine(_work, "l"));
        Assert.Equal(2, code);
        Assert.Contains($"--text {large}: the file is {LoraFineTuneApp.MaxTextBytes + 1:N0} bytes", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "l")));
    }

    [Fact]
    public async Task TextThatIsNotUtf8IsRefusedNamingTheByteAndUtf16WithAMarkIsRead()
    {
        // Before: a Windows-1252 "café" was read with U+FFFD for the é and trained on without a word.
        string latin1 = Path.Combine(_work, "latin1.txt");
        File.WriteAllBytes(latin1, [.. "the caf"u8, 0xE9, .. " is open. "u8]);
        var (code, _, error) = await RunAsync("--model", TinyFolders.Gpt2, "--text", latin1, "--out", Path.Combine(_work, "w"));
        Assert.Equal(2, code);
        Assert.Contains($"--text {latin1}: byte 7 (0xE9) is not valid UTF-8", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "w")));

        string utf16 = Path.Combine(_work, "utf16.txt");
        File.WriteAllText(utf16, string.Concat(Enumerable.Repeat("the café is open and the tea is warm. ", 8)), System.Text.Encoding.Unicode);
        (code, _, error) = await RunAsync("--model", TinyFolders.Gpt2, "--text", utf16, "--out", Path.Combine(_work, "u"), "--steps", "1");
        Assert.True(code == 0, error);
    }

    [Fact]
    public async Task AMissingFolderExits1AsJson()
    {
        var (code, _, error) = await RunAsync("--model", Path.Combine(_work, "nowhere"), "--text", TinyFolders.WriteText(_work),
            "--out", Path.Combine(_work, "x"), "--json");
        Assert.Equal(1, code);
        using var document = JsonDocument.Parse(error);
        Assert.Equal("NotFound", document.RootElement.GetProperty("error").GetProperty("kind").GetString());
    }
}
