namespace Gpt2Summary;

/// <summary>The sample's streams, injected into its command so tests run it in-process.</summary>
/// <param name="Output">The summary.</param>
/// <param name="Error">Errors.</param>
internal sealed record SummaryStreams(TextWriter Output, TextWriter Error);
