namespace ParameterKit.Training;

/// <summary>
/// One report of training progress, sent through <see cref="IProgress{T}"/> after every optimizer step, so a
/// console app can draw a progress bar and a GUI a chart. The library itself never writes to the console.
/// </summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="TotalSteps">Optimizer steps the whole run will take.</param>
/// <param name="Epoch">Current epoch, from 1.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Loss">Mean loss of the micro-batches of this step.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="ExamplesPerSecond">Throughput since the run (or resume) started.</param>
/// <param name="Elapsed">Wall time since the run (or resume) started.</param>
/// <param name="EstimatedRemaining">Time left at the current throughput.</param>
/// <param name="GradientNorm">Global gradient norm before clipping, when clipping by norm is on; otherwise NaN.</param>
public readonly record struct TrainingProgress(
    long Step, long TotalSteps, int Epoch, int Epochs, float Loss, double LearningRate,
    double ExamplesPerSecond, TimeSpan Elapsed, TimeSpan EstimatedRemaining, float GradientNorm);
