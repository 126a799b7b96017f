using System.Globalization;
using ParameterKit.Training;

namespace LoraFineTune;

/// <summary>
/// Receives the trainer's report after every optimizer step: prints step, loss and tokens per second, and keeps the
/// losses. Reports arrive on the training thread (unlike <see cref="Progress{T}"/>, which would post them elsewhere).
/// </summary>
/// <param name="output">Where the lines go; null to only keep the losses (JSON output).</param>
/// <param name="tokensPerWindow">T: scored positions per window, to turn windows per second into tokens per second.</param>
internal sealed class StepReport(TextWriter? output, int tokensPerWindow) : IProgress<TrainingProgress>
{
    private readonly List<float> _losses = [];

    /// <summary>Each step's mean loss, in order.</summary>
    public IReadOnlyList<float> Losses => _losses;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        _losses.Add(value.Loss);
        if (output is null)
        {
            return;
        }
        int width = value.TotalSteps.ToString(CultureInfo.InvariantCulture).Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {value.Step.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{value.TotalSteps}  loss {value.Loss:F4}  tokens/s {value.ExamplesPerSecond * tokensPerWindow:N0}"));
        output.Flush();
    }
}
