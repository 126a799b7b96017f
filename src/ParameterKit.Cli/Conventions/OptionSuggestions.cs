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
    /// <returns>For example <c>--json</c>, <c>-c</c>, <c>--config</c>.</returns>
    public static IReadOnlyList<string> OptionsOf([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new List<string>();
        foreach (PropertyInfo property in settings.GetProperties())
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option)
            {
                foreach (string name in option.LongNames)
                {
                    options.Add("--" + name);
                }
                foreach (string name in option.ShortNames)
                {
                    options.Add("-" + name);
                }
            }
        }
        return options;
    }
}
