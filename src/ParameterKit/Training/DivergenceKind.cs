namespace ParameterKit.Training;

/// <summary>What went non-finite when training diverged, which also says whether the parameters were touched.</summary>
public enum DivergenceKind
{
    /// <summary>A micro-batch's loss; found before the step, so the parameters are unchanged.</summary>
    Loss,

    /// <summary>A parameter's gradient; found before the step, so the parameters are unchanged.</summary>
    Gradient,

    /// <summary>
    /// A parameter's value, right after the optimizer step made it NaN or infinite (a learning rate far too large
    /// for the gradients); the trainer restores the values from before the step unless told not to.
    /// </summary>
    Value,
}
