namespace ParameterKit.Parameters;

/// <summary>A second name for a parameter whose values are shared (stored and counted once).</summary>
/// <param name="Name">The alias, for example <c>lm_head.weight</c>.</param>
/// <param name="Target">The parameter that owns the values, for example <c>wte.weight</c>.</param>
public sealed record TiedName(string Name, Parameter Target);
