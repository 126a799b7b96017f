using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Adapters;

/// <summary>Finds the <see cref="Linear"/> layers a list of target patterns names (see <see cref="LoraOptions.TargetModules"/>).</summary>
internal static class LoraTargets
{
    /// <summary>Every linear layer of <paramref name="store"/>, in construction order.</summary>
    public static List<Linear> LinearLayers(ParameterStore store) => [.. store.ModuleObjects.OfType<Linear>()];

    /// <summary>Whether <paramref name="pattern"/> selects the layer at <paramref name="path"/>.</summary>
    public static bool Matches(string pattern, string path) =>
        pattern.AsSpan().IndexOfAny('*', '?') >= 0
            ? NamePattern.Matches(pattern, path)
            : path == pattern || (path.Length > pattern.Length && path.EndsWith(pattern, StringComparison.Ordinal) && path[^(pattern.Length + 1)] == '.');

    /// <summary>The layers matched by any pattern, in construction order.</summary>
    /// <exception cref="LoraAdapterException">A pattern matches no linear layer.</exception>
    public static List<Linear> Select(ParameterStore store, IReadOnlyList<string> patterns)
    {
        var layers = LinearLayers(store);
        foreach (string pattern in patterns)
        {
            if (!layers.Exists(layer => Matches(pattern, layer.Path)))
            {
                string examples = string.Join(", ", layers.Take(4).Select(l => $"'{l.Path}'"));
                throw new LoraAdapterException(pattern,
                    $"The LoRA target '{pattern}' matches no linear layer of the model (its linear layers are named like {examples}).");
            }
        }
        return layers.FindAll(layer => patterns.Any(pattern => Matches(pattern, layer.Path)));
    }
}
