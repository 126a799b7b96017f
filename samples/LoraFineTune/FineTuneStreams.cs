namespace LoraFineTune;

/// <summary>The sample's streams, injected into its command so tests run it in-process.</summary>
/// <param name="Output">Progress and the result.</param>
/// <param name="Error">Errors.</param>
internal sealed record FineTuneStreams(TextWriter Output, TextWriter Error);
