using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Spectre.Console.Cli;

namespace ParameterKit.CommandLine;

/// <summary>
/// The options a command declares, for "did you mean --json?" (<see cref="EditDistance.Closest"/>).
/// Spectre.Console.Cli's strict parsing rejects an unknown option but only suggests commands, so the candidates
/// are read from the command's settings type, the one place its options are declared.
/// </summary>
internal static class OptionSuggestions
{
    /// <summary>Every long and short option of <paramref name="settings"/>, with its dashes.</summary>
    /// <param name="settings">A <see cref="CommandSettings"/> type.</param>
    /// <returns>For example <c>--json</c>, <c>-c</c>, <c>--config</c>, as a <see cref="DeclaredOptions"/> that also
    /// says whether the command takes positional arguments.</returns>
    public static IReadOnlyList<string> OptionsOf([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new List<string>();
        var takingValues = new HashSet<string>(StringComparer.Ordinal);
        var valueKinds = new Dictionary<string, string>(StringComparer.Ordinal);
        bool takesArguments = false;
        foreach (PropertyInfo property in settings.GetProperties())
        {
            takesArguments |= property.GetCustomAttribute<CommandArgumentAttribute>() is not null;
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option)
            {
                var names = option.LongNames.Select(n => "--" + n).Concat(option.ShortNames.Select(n => "-" + n)).ToList();
                options.AddRange(names);
                if (option.ValueName is not null && !option.ValueIsOptional && property.PropertyType != typeof(bool))
                {
                    takingValues.UnionWith(names);
                }
                if (ValueKind(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { } kind)
                {
                    names.ForEach(name => valueKinds[name] = kind);
                }
            }
        }
        return new DeclaredOptions(options, takesArguments, takingValues, valueKinds);
    }

    /// <summary>What a value of <paramref name="type"/> is, in words ("a whole number"), for a value that does not convert.</summary>
    private static string? ValueKind(Type type) =>
        type == typeof(int) ? "a whole number up to 2147483647"
        : type == typeof(long) ? "a whole number"
        : type == typeof(uint) || type == typeof(ulong) ? "a whole number, 0 or more"
        : type == typeof(float) || type == typeof(double) ? "a number"
        : null;
}

/// <summary>A command's options, and whether it takes positional arguments too.</summary>
/// <param name="options">The options, with their dashes.</param>
/// <param name="takesArguments">Whether the settings declare a <see cref="CommandArgumentAttribute"/>: then a first
/// word that names no command may be the default command's argument, not a misspelt command.</param>
/// <param name="takingValues">The options that must be followed by a value (<c>--config &lt;FILE&gt;</c>).</param>
/// <param name="valueKinds">What each numeric option's value is, in words.</param>
internal sealed class DeclaredOptions(IList<string> options, bool takesArguments, IReadOnlySet<string> takingValues,
    IReadOnlyDictionary<string, string> valueKinds)
    : System.Collections.ObjectModel.ReadOnlyCollection<string>(options)
{
    /// <summary>What each numeric option's value is, in words (<c>--seed</c>: "a whole number").</summary>
    public IReadOnlyDictionary<string, string> ValueKinds { get; } = valueKinds;

    /// <summary>Whether the command takes positional arguments.</summary>
    public bool TakesArguments { get; } = takesArguments;

    /// <summary>The options that must be followed by a value.</summary>
    public IReadOnlySet<string> TakingValues { get; } = takingValues;
}
