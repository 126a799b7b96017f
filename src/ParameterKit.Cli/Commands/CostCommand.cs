using System.Globalization;
using System.ComponentModel;
using ParameterKit.Cli.Configs;
using ParameterKit.Cli.Costs;
using ParameterKit.Cli.Inspection;
using ParameterKit.Cli.Output;
using ParameterKit.Cli.Sources;
using ParameterKit.CommandLine;
using ParameterKit.Gguf;
using ParameterKit.Tensors;
using Spectre.Console.Cli;
using Spectre.Console;

namespace ParameterKit.Cli.Commands;

/// <summary>
/// <c>parameterkit cost</c>: memory, compute, time, energy and carbon for a model, from a count (a config, a known
/// name or a checkpoint) or a bare <c>--params N</c>, with every assumption printed and overridable.
/// </summary>
internal sealed class CostCommand : CliCommand<CostCommand.Settings>
{
    /// <summary>Creates the command.</summary>
    public CostCommand(CliOutput output)
        : base(output)
    {
    }

    /// <summary>The options of <c>cost</c>.</summary>
    internal sealed class Settings : RemoteSourceSettings
    {
        /// <summary>A checkpoint to count.</summary>
        [CommandArgument(0, "[source]")]
        [Description("A checkpoint (safetensors file, index, folder or URL, or a .gguf file) to count, showing what it holds now; or use --config or --params.")]
        public string? Source { get; init => field = value is null ? null : DashLedArguments.AsTyped(value); }

        /// <summary>A config or known name to count.</summary>
        [CommandOption("-c|--config <CONFIG>")]
        [Description("A config.json or a known name (gpt3-175b, llama-2-7b, ...) to count.")]
        public string? Config { get; init; }

        /// <summary>N directly.</summary>
        [CommandOption("-p|--params <N>")]
        [Description("The parameter count directly: 174604259328, 1.75e11 or 175B.")]
        public string? Params { get; init; }

        /// <summary>D.</summary>
        [CommandOption("-t|--tokens <D>")]
        [Description("Training tokens, e.g. 300B. Default: --tokens-per-param x N.")]
        public string? Tokens { get; init; }

        /// <summary>D / N when D is not given.</summary>
        [CommandOption("--tokens-per-param <R>")]
        [Description("Training tokens per parameter when --tokens is not given (Chinchilla: 20).")]
        public string? TokensPerParameter { get; init; }

        /// <summary>Accelerator name.</summary>
        [CommandOption("--accelerator <NAME>")]
        [Description("A name for the accelerator described by --peak-flops and --power.")]
        public string? Accelerator { get; init; }

        /// <summary>Peak FLOP/s.</summary>
        [CommandOption("--peak-flops <FLOPS>")]
        [Description("Peak dense FLOP/s of one accelerator at the training precision, e.g. 312e12 or 989T.")]
        public string? PeakFlops { get; init; }

        /// <summary>Utilization.</summary>
        [CommandOption("--utilization <FRACTION>")]
        [Description("Fraction of peak sustained in training (model FLOPs utilization): above 0, at most 1.")]
        public string? Utilization { get; init; }

        /// <summary>Power.</summary>
        [CommandOption("--power <WATTS>")]
        [Description("Power per accelerator while training, in watts.")]
        public string? Power { get; init; }

        /// <summary>PUE.</summary>
        [CommandOption("--pue <PUE>")]
        [Description("Datacenter power usage effectiveness (>= 1).")]
        public string? Pue { get; init; }

        /// <summary>Carbon intensity.</summary>
        [CommandOption("--carbon <KG_PER_KWH>")]
        [Description("Grid carbon intensity in kg CO2e per kWh.")]
        public string? Carbon { get; init; }

        /// <summary>Accelerator count.</summary>
        [CommandOption("--accelerators <COUNT>")]
        [Description("Accelerators training together (divides wall-clock time).")]
        public string? Accelerators { get; init; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        TimeSpan timeout = settings.CheckedTimeout();
        int sources = (settings.Source is null ? 0 : 1) + (settings.Config is null ? 0 : 1) + (settings.Params is null ? 0 : 1);
        if (sources != 1)
        {
            throw new CliException("Usage", "cost needs exactly one of: a checkpoint, --config <config.json or name>, --params <N>");
        }
        (string subject, double parameters, StoredWeights? stored) = await CountAsync(settings, timeout, cancellationToken).ConfigureAwait(false);
        if (parameters == 0)
        {
            // Every figure would be 0 and tokens per second undefined (compute over 2·N).
            throw new CliException("InvalidInput", $"{subject} holds no parameters: there is nothing to estimate");
        }
        CostAssumptions d = CostAssumptions.Default;
        var assumptions = new CostAssumptions(
            settings.Accelerator ?? AcceleratorLabel(d.Accelerator, settings),
            Quantity(settings.PeakFlops, "--peak-flops", d.PeakFlops, mustBePositive: true),
            Quantity(settings.Utilization, "--utilization", d.Utilization, mustBePositive: true, max: 1),
            Quantity(settings.Power, "--power", d.PowerWatts),
            Quantity(settings.Pue, "--pue", d.Pue, min: 1),
            Quantity(settings.Carbon, "--carbon", d.CarbonKgPerKwh),
            (int)Quantity(settings.Accelerators, "--accelerators", d.Accelerators, mustBePositive: true, max: int.MaxValue, integer: true),
            Quantity(settings.TokensPerParameter, "--tokens-per-param", d.TokensPerParameter, mustBePositive: true));
        double? tokens = settings.Tokens is null ? null : Quantity(settings.Tokens, "--tokens", 0, mustBePositive: true, max: MaxTokens);
        if (tokens is null && parameters * assumptions.TokensPerParameter > MaxTokens)
        {
            // The same bound as --tokens, reached through the ratio.
            throw new CliException("InvalidInput", string.Create(CultureInfo.InvariantCulture,
                $"--tokens-per-param {assumptions.TokensPerParameter:G4} gives {parameters * assumptions.TokensPerParameter:G3} training tokens; at most {MaxTokens:G3} are estimated"));
        }
        CostEstimate estimate = CostModel.Estimate(parameters, tokens, assumptions);
        if (!estimate.IsFinite)
        {
            // Each input is within its bounds, yet their product is not a number (1e18 parameters on 1e24 tokens at
            // 1e-300 FLOP/s): say so rather than print "∞" or write infinity into JSON.
            throw new CliException("InvalidInput", "the estimate overflows a double for these inputs: check the sizes (--params, --tokens, --tokens-per-param) against the rates (--peak-flops, --utilization, --power, --pue, --carbon)");
        }

        if (settings.Json)
        {
            Output.Json(CostView.Json(subject, estimate, tokensGiven: tokens is not null, stored));
        }
        else
        {
            CostView.Write(Output, subject, estimate, tokensGiven: tokens is not null, stored);
        }
        return ExitCodes.Ok;
    }

    /// <summary>N, and for a checkpoint (safetensors or GGUF) what it holds now.</summary>
    private static async Task<(string Subject, double Parameters, StoredWeights? Stored)> CountAsync(Settings settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (settings.Params is not null)
        {
            double n = Quantity(settings.Params, "--params", 0, mustBePositive: true, max: MaxParameters, integer: true);
            return ($"{Numbers.Decimal(n, 0)} parameters", n, null);
        }
        if (settings.Config is not null)
        {
            ModelConfig model = ConfigParser.Resolve(settings.Config);
            return (model.Name, ParameterBreakdown.From(model.Declare()).Total, null);
        }
        if (GgufSource.Resolve(settings.Source!) is { } gguf)
        {
            using GgufFile file = GgufSource.Open(gguf);
            GgufReport ggufReport = GgufReport.Build(file, settings.Source!);
            return (settings.Source!, ggufReport.Breakdown.Total, new StoredWeights([.. ggufReport.ByType.Select(t => (t.Name, t.Parameters, t.Bytes))]));
        }
        CheckpointHeaders headers = await CheckpointLoader.LoadAsync(settings.Source!, settings.AllowDownload, timeout, cancellationToken)
            .ConfigureAwait(false);
        InspectReport report = InspectReport.Build(headers);
        return (headers.Source, report.Breakdown.Total,
            new StoredWeights([.. report.ByDType.Select(d => (d.DType.SafeTensorsName(), d.Parameters, d.Bytes))]));
    }

    /// <summary>
    /// The default accelerator's name, saying which of its figures were replaced: peak FLOP/s and power given on the
    /// command line are no longer an A100's.
    /// </summary>
    private static string AcceleratorLabel(string name, Settings settings)
    {
        string[] given = [.. new[] { (settings.PeakFlops, "--peak-flops"), (settings.Power, "--power") }.Where(o => o.Item1 is not null).Select(o => o.Item2)];
        return given.Length == 0 ? name : $"{name} with {string.Join(" and ", given)} given";
    }

    /// <summary>A quintillion parameters: a million times today's largest models, far below where doubles lose
    /// their meaning. Above it (<c>--params 1e300</c>) the figures are nonsense or infinite.</summary>
    private const double MaxParameters = 1e18;

    /// <summary>A septillion training tokens, for the same reason.</summary>
    private const double MaxTokens = 1e24;

    private static double Quantity(string? text, string option, double fallback, bool mustBePositive = false, double min = 0,
        double max = double.PositiveInfinity, bool integer = false)
    {
        if (text is null)
        {
            return fallback;
        }
        if (!Numbers.TryParseQuantity(text, out double value) || value < min || value > max || (mustBePositive && value <= 0)
            || (integer && value != Math.Floor(value)))
        {
            string range = max < double.PositiveInfinity
                ? $" above {min.ToString(CultureInfo.InvariantCulture)} and at most {max.ToString(CultureInfo.InvariantCulture)}"
                : min > 0 ? $" >= {min.ToString(CultureInfo.InvariantCulture)}" : mustBePositive ? " > 0" : " >= 0";
            throw new CliException("InvalidInput", $"{option} must be a{(integer ? "n integer" : " number")}{range}, not '{text}'");
        }
        return value;
    }
}
