namespace Gpt2Chat;

/// <summary>The sample's streams, injected into its commands so tests run them in-process.</summary>
/// <param name="Input">Prompts, one per line, in interactive mode.</param>
/// <param name="Output">Completions and logits.</param>
/// <param name="Error">Errors.</param>
internal sealed record ChatStreams(TextReader Input, LineTrackingWriter Output, TextWriter Error);
