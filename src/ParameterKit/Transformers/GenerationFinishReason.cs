namespace ParameterKit.Transformers;

/// <summary>Why a <see cref="TextGenerator"/> generation ended.</summary>
public enum GenerationFinishReason
{
    /// <summary>It produced <see cref="GenerationOptions.MaxNewTokens"/> tokens (or filled the caller's destination).</summary>
    MaxNewTokens,

    /// <summary>The model produced one of <see cref="GenerationOptions.StopTokens"/>.</summary>
    StopToken,

    /// <summary>The decoded text came to contain one of <see cref="GenerationOptions.StopStrings"/>.</summary>
    StopString,

    /// <summary>The sequence filled the model's context (<see cref="ICausalLanguageModel.ContextLength"/>).</summary>
    ContextFull,
}
