// What even is a parameter? Declares GPT-2 small exactly as Hugging Face names it, counts it without
// allocating a single value, prints the torchinfo-style summary, then materializes a small MLP and runs it.
// Usage: dotnet run --project samples/Gpt2Summary [-- gpt2|gpt2-medium|gpt2-large|gpt2-xl|gpt3-175b|llama-2-7b [depth]]
using System.Globalization;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Modules;
using ParameterKit.Parameters;

string name = args.Length > 0 ? args[0] : "gpt2";
int depth = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
if (!KnownArchitectures.TryDeclare(name, out var model))
{
    Console.Error.WriteLine($"Unknown architecture '{name}'. Known: {string.Join(", ", KnownArchitectures.Names)}");
    return 1;
}

Console.WriteLine($"{name}, declared but not materialized (no values allocated):");
Console.WriteLine(model.Summary(depth));

// Materializing a small model: one contiguous buffer, every parameter a named view into it.
var store = new ParameterStore();
var mlp = new MultilayerPerceptron(store.Scope("classifier"), [64, 128, 3], Activation.Gelu);
store.Materialize(seed: 42);
var input = new float[2 * 64];
input.AsSpan().Fill(0.5f);
var logits = new float[2 * 3];
mlp.Forward(input, logits, 64);

var counts = store.Count();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"classifier: {counts.Total:N0} parameters ({counts.Weight:N0} weight, {counts.Bias:N0} bias) in a buffer of {store.Values.Length:N0} floats"));
// Rounded: the JIT and a NativeAOT build may use different vector widths for exp, which moves the last bits.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classifier logits[0]: {logits[0]:F4} {logits[1]:F4} {logits[2]:F4}"));
return 0;
