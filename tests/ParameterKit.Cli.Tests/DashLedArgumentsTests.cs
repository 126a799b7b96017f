using FsCheck;
using FsCheck.Fluent;
using ParameterKit.CommandLine;
using Spectre.Console.Cli;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Text that starts with a dash reaches the command whole (Spectre.Console.Cli 0.57 cuts a dash-led word at its first
/// space, so "-1 stars, awful" arrived as "-1"), and nothing else on the command line changes.
/// </summary>
public sealed class DashLedArgumentsTests
{
    private sealed class PromptSettings : CommandSettings
    {
        [CommandOption("--prompt <TEXT>")]
        public string? Prompt { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    private static readonly IReadOnlyList<string> Declared = OptionSuggestions.OptionsOf(typeof(PromptSettings));

    [Theory]
    [InlineData(new[] { "classify", "-1 stars, awful" }, new[] { "classify", " -1 stars, awful" })]
    [InlineData(new[] { "--prompt", "-5 days late, again" }, new[] { "--prompt=-5 days late, again" })]
    [InlineData(new[] { "--json", "- not good" }, new[] { "--json", " - not good" })]
    [InlineData(new[] { "--prompt", "x", "--", "-1 a" }, new[] { "--prompt", "x", " -1 a" })]
    [InlineData(new[] { "classify", "hello", "--", "world" }, new[] { "classify", "hello", "world" })]
    [InlineData(new[] { "classify", "--", "--json", "-x" }, new[] { "classify", " --json", " -x" })]
    public void Dash_led_text_is_joined_to_its_option_or_kept_as_an_argument(string[] args, string[] expected)
    {
        Assert.Equal(expected, DashLedArguments.Protect(args, Declared));
    }

    [Theory]
    [InlineData("--prompt", "-5")]
    [InlineData("--prompt=-5 days", "--json")]
    [InlineData("-1", "--json")]
    [InlineData("-", "--json")]
    public void Options_negative_numbers_and_joined_values_are_left_as_they_are(string first, string second)
    {
        string[] args = [first, second];
        Assert.Same(args, DashLedArguments.Protect(args, Declared));
    }

    [Fact]
    public void A_path_after_the_separator_reaches_the_command_as_typed()
    {
        // "inspect -- -old.safetensors": Spectre binds " -old.safetensors" (the protection), the command must open
        // "-old.safetensors"; a path that merely contains a dash, or free text, is left as it is.
        Assert.Equal("-old.safetensors", new ParameterKit.Cli.Commands.InspectCommand.Settings { Source = " -old.safetensors" }.Source);
        Assert.Equal("-a", new ParameterKit.Cli.Commands.DiffCommand.Settings { A = " -a", B = "b" }.A);
        Assert.Equal("-b", new ParameterKit.Cli.Commands.DiffCommand.Settings { A = "a", B = " -b" }.B);
        Assert.Equal("-c.gguf", new ParameterKit.Cli.Commands.CostCommand.Settings { Source = " -c.gguf" }.Source);
        Assert.Null(new ParameterKit.Cli.Commands.CostCommand.Settings().Source);
        Assert.Equal("my-model.safetensors", DashLedArguments.AsTyped("my-model.safetensors"));
        Assert.Equal(" spaced", DashLedArguments.AsTyped(" spaced"));
    }

    [FsCheck.Xunit.Property(Replay = "(7,11)", MaxTest = 500)]
    public Property Undoing_the_protection_gives_back_the_command_line()
    {
        // Random command lines (seeded) of options and words over dashes, digits, letters and spaces: each change is one
        // of the documented rewrites, so undoing them gives back exactly the words typed, in order. After a "--" (dropped)
        // every dash-led word has the leading space, whatever it holds.
        // (A typed word never starts with a space here: " -x y" typed would read the same as "-x y" protected.)
        Gen<string> word = Gen.Elements('-', '-', '1', 'a').SelectMany(first => Gen.Elements('-', '-', '1', 'a', ' ').ArrayOf(),
            (first, rest) => first + new string(rest));
        Gen<string> token = Gen.OneOf(Gen.Constant("--prompt"), Gen.Constant("--json"), Gen.Constant("--"), word);
        return Prop.ForAll(token.ArrayOf().ToArbitrary(), args =>
        {
            int separator = Array.IndexOf(args, "--");
            string[] before = separator < 0 ? args : args[..separator];
            string[] protectedArgs = DashLedArguments.Protect(args, Declared);
            var undone = new List<string>();
            foreach (string r in protectedArgs)
            {
                bool separated = undone.Count >= before.Length;
                if (separated)
                {
                    undone.Add(r.StartsWith(" -", StringComparison.Ordinal) ? r[1..] : r);
                }
                else if (r.StartsWith("--prompt=", StringComparison.Ordinal))
                {
                    undone.AddRange(["--prompt", r["--prompt=".Length..]]);
                }
                else if (r.StartsWith(" -", StringComparison.Ordinal) && DashLedArguments.IsDashLedText(r[1..]))
                {
                    undone.Add(r[1..]);
                }
                else
                {
                    undone.Add(r);
                }
            }
            string[] typed = separator < 0 ? args : [.. before, .. args[(separator + 1)..]];
            return undone.SequenceEqual(typed);
        });
    }
}
