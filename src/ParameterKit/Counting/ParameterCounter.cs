using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Counting;

/// <summary>Counts the parameters of a store from its declarations: no values need to exist.</summary>
public static class ParameterCounter
{
    /// <summary>Counts every parameter of <paramref name="store"/> (tied aliases once). Allocates nothing.</summary>
    /// <param name="store">A declared (materialized or not) store.</param>
    /// <example><code>long gpt2 = Gpt2Config.Small.Declare().Count().Total; // 124,439,808</code></example>
    public static ParameterCounts Count(this ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var counts = default(ParameterCounts);
        var parameters = store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            counts = counts.Add(p.Kind, p.ElementCount, p.IsTrainable);
        }
        return counts;
    }

    /// <summary>Counts the parameters whose name starts with <paramref name="path"/> followed by a dot (a module's subtree).</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">A module path such as <c>h.0.attn</c>; empty counts everything.</param>
    public static ParameterCounts CountUnder(this ParameterStore store, string path)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        var counts = default(ParameterCounts);
        var parameters = store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (IsUnder(p.Name, path))
            {
                counts = counts.Add(p.Kind, p.ElementCount, p.IsTrainable);
            }
        }
        return counts;
    }

    internal static bool IsUnder(string name, string path) =>
        path.Length == 0 || (name.Length > path.Length && name[path.Length] == '.' && name.StartsWith(path, StringComparison.Ordinal));

    /// <summary>A torchinfo-style summary of <paramref name="store"/>; see <see cref="ModelSummary"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="depth">Deepest path level to list.</param>
    public static ModelSummary Summary(this ParameterStore store, int depth = 2) => ModelSummary.Of(store, depth);
}
