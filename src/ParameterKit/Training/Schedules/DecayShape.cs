namespace ParameterKit.Training.Schedules;

/// <summary>
/// How <see cref="WarmupStableDecaySchedule"/> falls from the base rate to its floor over the decay phase, as a
/// factor f(p) of progress p ∈ [0, 1] with f(0) = 1 and f(1) = 0 (Hugging Face's <c>decay_type</c>).
/// </summary>
public enum DecayShape
{
    /// <summary><c>f(p) = 1 − p</c> (<c>"linear"</c>).</summary>
    Linear,

    /// <summary><c>f(p) = (1 + cos(π·p)) / 2</c> (<c>"cosine"</c>).</summary>
    Cosine,

    /// <summary><c>f(p) = 1 − √p</c> (<c>"1-sqrt"</c>): a fast initial drop, the shape the WSD papers favour.</summary>
    OneMinusSqrt,
}
