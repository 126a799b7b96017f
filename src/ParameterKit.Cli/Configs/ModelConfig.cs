using ParameterKit.Parameters;

namespace ParameterKit.Cli.Configs;

/// <summary>
/// A model to count without weights: where it came from, the hyperparameters that decide its size, and how to
/// declare it (names and shapes only; nothing is allocated).
/// </summary>
/// <param name="Name">The known name or the config file.</param>
/// <param name="Family">The layout: <c>gpt2</c> or <c>llama</c>.</param>
/// <param name="Settings">The hyperparameters, as (Hugging Face key, value) pairs, for display.</param>
/// <param name="Declare">Declares the model in a new, unmaterialized store.</param>
internal sealed record ModelConfig(string Name, string Family, IReadOnlyList<(string Key, string Value)> Settings, Func<ParameterStore> Declare);
