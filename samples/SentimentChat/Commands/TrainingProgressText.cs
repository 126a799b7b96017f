using System.Globalization;
using ParameterKit.Training;

namespace SentimentChat.Commands;

/// <summary>
/// The progress line of a training run. Its loss is the running mean of the step losses since the epoch began, the
/// same quantity the trainer reports per epoch (<see cref="EpochSummary.TrainingLoss"/> is the mean over the epoch's
/// batches), so the line's last value in an epoch equals that epoch's summary. A single step's loss jumps around
/// too much to read.
/// </summary>
public sealed class TrainingProgressText
{
    private int _epoch;
    private double _sum;
    private long _count;

    /// <summary>The running mean loss of the current epoch.</summary>
    public double RunningMeanLoss => _count == 0 ? double.NaN : _sum / _count;

    /// <summary>Takes a step's report; returns the line to show.</summary>
    public string Update(TrainingProgress progress)
    {
        if (progress.Epoch != _epoch)
        {
            _epoch = progress.Epoch;
            _sum = 0;
            _count = 0;
        }
        _sum += progress.Loss;
        _count++;
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {progress.Epoch}/{progress.Epochs} running mean loss {RunningMeanLoss:F4} lr {progress.LearningRate:E1} {progress.ExamplesPerSecond:N0} ex/s ETA {progress.EstimatedRemaining:mm\\:ss}");
    }
}
