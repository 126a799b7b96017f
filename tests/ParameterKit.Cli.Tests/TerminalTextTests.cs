using System.Text.Json;
using ParameterKit.CommandLine;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Terminal injection (issue 17, item 5): text from a file or a server reaches the terminal escaped, never
/// obeyed; JSON output keeps the exact text and is itself free of raw control characters.
/// </summary>
public sealed class TerminalTextTests
{
    public static TheoryData<char, string> Unsafe => new()
    {
        { '\0', "\\x00" }, { '\a', "\\x07" }, { '\b', "\\x08" }, { '\t', "\\x09" }, { '\n', "\\x0a" }, { '\r', "\\x0d" },
        { '\u001b', "\\x1b" }, { '\u007f', "\\x7f" }, { '\u0080', "\\x80" }, { '\u009b', "\\x9b" }, { '\u009f', "\\x9f" },
        { '\u061c', "\\u061c" }, { '\u200e', "\\u200e" }, { '\u200f', "\\u200f" }, { '\u202a', "\\u202a" },
        { '\u202e', "\\u202e" }, { '\u2066', "\\u2066" }, { '\u2069', "\\u2069" },
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void Each_control_and_bidi_character_is_escaped(char c, string expected)
    {
        Assert.Equal($"a{expected}b", TerminalText.Escape($"a{c}b"));
    }

    [Fact]
    public void Ordinary_text_is_returned_as_is()
    {
        const string text = "h.0.attn.c_attn.weight [768, 2304] — naïve 日本語 \u00a0 \u00e9 \\x1b";
        Assert.Same(text, TerminalText.Escape(text));
        // Every code unit outside the unsafe set passes through: a sweep of the BMP against the rule.
        for (int c = 0; c <= 0xFFFF; c++)
        {
            bool expectUnsafe = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c is 0x061C or 0x200E or 0x200F
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
            Assert.Equal(expectUnsafe, TerminalText.IsUnsafe((char)c));
        }
    }

    [Fact]
    public void Keeping_lines_lets_newlines_and_tabs_through_but_not_escapes()
    {
        Assert.Equal("one\n\ttwo \\x1b[2J", TerminalText.EscapeKeepingLines("one\n\ttwo \u001b[2J"));
    }

    /// <summary>Line breaks are the output's own; anything else unsafe came from the file.</summary>
    private static void AssertTerminalSafe(string output)
    {
        char[] unsafeChars = [.. output.Where(c => c != '\n' && TerminalText.IsUnsafe(c))];
        Assert.True(unsafeChars.Length == 0, "raw: " + string.Join(" ", unsafeChars.Select(c => $"U+{(int)c:X4}")));
    }

    private const string HostileName = "h.0.\u001b]0;pwned\u0007\u001b[2J.we\u202eight";
    private const string HostileValue = "\u001b[8mhidden\u0000\u007f\u009b31m\u2066";

    private static string WriteHostile(TempFolder folder)
    {
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["note\u001b[1m"] = HostileValue });
        writer.Add(HostileName, new Shape(2, 2), new float[] { 1, 2, 3, 4 });
        string path = folder.File("hostile.safetensors");
        writer.Save(path);
        return path;
    }

    [Fact]
    public void Inspect_prints_hostile_names_and_metadata_escaped()
    {
        using var folder = new TempFolder();
        string path = WriteHostile(folder);
        CliResult result = CliRunner.Run("inspect", "--tensors", path);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertTerminalSafe(result.Output);
        Assert.Contains("h.0.\\x1b]0;pwned\\x07\\x1b[2J.we\\u202eight", result.Output, StringComparison.Ordinal);
        Assert.Contains("\\x1b[8mhidden\\x00\\x7f\\x9b31m\\u2066", result.Output, StringComparison.Ordinal);
        Assert.Contains("note\\x1b[1m", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_prints_hostile_names_escaped()
    {
        using var folder = new TempFolder();
        string path = WriteHostile(folder);
        var other = new SafeTensorsWriter();
        other.Add("x", new Shape(1), new float[] { 1 });
        other.Save(folder.File("other.safetensors"));
        CliResult result = CliRunner.Run("diff", path, folder.File("other.safetensors"));
        Assert.True(result.ExitCode == 0, result.Error);
        AssertTerminalSafe(result.Output);
        Assert.Contains("removed   h.0.\\x1b]0;pwned", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_naming_a_hostile_path_are_escaped()
    {
        CliResult result = CliRunner.Run("inspect", "/nonexistent/\u001b[2Jmodel\u202e.safetensors");
        Assert.Equal(1, result.ExitCode);
        AssertTerminalSafe(result.Error);
        Assert.Contains("\\x1b[2Jmodel\\u202e.safetensors", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_keeps_the_exact_text_and_writes_no_raw_control_or_bidi_character()
    {
        using var folder = new TempFolder();
        string path = WriteHostile(folder);
        CliResult result = CliRunner.Run("inspect", "--json", path);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertTerminalSafe(result.Output);
        JsonElement json = result.Json();
        Assert.Equal(HostileName, json.GetProperty("tensors")[0].GetProperty("name").GetString());
        Assert.Equal(HostileValue, json.GetProperty("metadata").GetProperty("note\u001b[1m").GetString());
    }
}
