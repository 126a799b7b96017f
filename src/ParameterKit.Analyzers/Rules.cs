using Microsoft.CodeAnalysis;

namespace ParameterKit.Analyzers;

/// <summary>Categories and the help link every rule shares.</summary>
internal static class Rules
{
    public const string ParametersCategory = "ParameterKit.Parameters";
    public const string TrainingCategory = "ParameterKit.Training";
    public const string ShapesCategory = "ParameterKit.Shapes";
    public const string PerformanceCategory = "ParameterKit.Performance";
    public const string LifetimeCategory = "ParameterKit.Lifetime";

    private const string DocsRoot = "https://github.com/parameterkit/parameterkit/blob/main/docs/analyzers/";

    public static string HelpLink(string id) => DocsRoot + id + ".md";

    public static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLink(id));
}
