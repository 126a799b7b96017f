using System.ComponentModel;
using System.Globalization;
using ParameterKit.CommandLine;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using Spectre.Console.Cli;

namespace Gpt2Summary;

/// <summary>Declares a known architecture, prints its summary, then materializes and runs a small MLP.</summary>
internal sealed class SummaryCommand(SummaryStreams streams) : Command<SummaryCommand.Settings>
{
    /// <summary>The arguments.</summary>
    internal sealed class Settings : SharedSettings
    {
        /// <summary>A known architecture.</summary>
        [CommandArgument(0, "[architecture]")]
        // Every name KnownArchitectures declares (a test holds the two together).
        [Description("gpt2 (default), gpt2-medium, gpt2-large, gpt2-xl, gpt3-175b, llama-2-7b, llama-2-13b, llama-2-70b, llama-3-8b, "
            + "llama-3-70b, llama-3.1-8b, llama-3.1-70b, llama-3.2-1b, llama-3.2-3b, tinyllama-1.1b, smollm2-135m, smollm2-360m, "
            + "smollm2-1.7b, qwen2.5-0.5b, qwen2.5-7b or mistral-7b-v0.1.")]
        public string Architecture { get; init; } = "gpt2";

        /// <summary>Summary depth.</summary>
        [CommandArgument(1, "[depth]")]
        [Description("How many levels of modules the summary lists (default 2).")]
        // Text, parsed by Execute: Spectre's own error for "abc" or a number past 32 bits named neither the argument nor what it takes.
        public string Depth { get; init; } = "2";
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TextWriter output = streams.Output;
        if (!int.TryParse(settings.Depth, NumberStyles.None, CultureInfo.InvariantCulture, out int depth))
        {
            ErrorReport.Write(streams.Error, Gpt2SummaryApp.Name, json: false, "InvalidInput", $"[depth] must be a whole number, 0 or more, not '{settings.Depth}'");
            return ExitCodes.Rejected;
        }
        if (!KnownArchitectures.TryDeclare(settings.Architecture, out var model))
        {
            ErrorReport.Write(streams.Error, Gpt2SummaryApp.Name, json: false, "InvalidInput",
                EditDistance.Closest(settings.Architecture, KnownArchitectures.Names) is { } near
                    ? $"unknown architecture '{settings.Architecture}'. Did you mean '{near}'? Known: {string.Join(", ", KnownArchitectures.Names)}"
                    : $"unknown architecture '{settings.Architecture}'. Known: {string.Join(", ", KnownArchitectures.Names)}");
            return ExitCodes.Rejected;
        }

        output.WriteLine($"{settings.Architecture}, declared but not materialized (no values allocated):");
        output.WriteLine(model.Summary(depth));

        // Materializing a small model: one contiguous buffer, every parameter a named view into it.
        var store = new ParameterStore();
        var mlp = new MultilayerPerceptron(store.Scope("classifier"), [64, 128, 3], Activation.Gelu);
        store.Materialize(seed: 42);
        var input = new float[2 * 64];
        input.AsSpan().Fill(0.5f);
        var logits = new float[2 * 3];
        mlp.Forward(input, logits, 64);

        var counts = store.Count();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"classifier: {counts.Total:N0} parameters ({counts.Weight:N0} weight, {counts.Bias:N0} bias) in a buffer of {store.Values.Length:N0} floats"));
        // Rounded: the JIT and a NativeAOT build may use different vector widths for exp, which moves the last bits.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classifier logits[0]: {logits[0]:F4} {logits[1]:F4} {logits[2]:F4}"));
        output.Flush();
        return ExitCodes.Ok;
    }
}
