namespace ParameterKit.Parameters;

/// <summary>A module registered in a store: its path and type, which summaries show beside the parameters.</summary>
/// <param name="Path">The module's dotted path (empty for a root module).</param>
/// <param name="TypeName">The module's type, for example <c>Linear</c>.</param>
public sealed record ModuleRecord(string Path, string TypeName);
