namespace ParameterKit.Training;

/// <summary>What one epoch did.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch's micro-batches.</param>
/// <param name="Validation">The evaluation on the validation set, when one was given.</param>
/// <param name="Steps">Optimizer steps taken so far (all epochs).</param>
public sealed record EpochSummary(int Epoch, double TrainingLoss, EvaluationResult? Validation, long Steps);
