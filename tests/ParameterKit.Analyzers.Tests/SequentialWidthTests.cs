using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.SequentialWidthAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class SequentialWidthTests
{
    [Fact]
    public Task Reports_consecutive_layers_whose_constant_widths_differ() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store)
            {
                var a = new Sequential(store.Scope("a"), 8)
                    .Add(s => new Linear(s, 8, 16))
                    .Add(s => new Linear(s, {|PK3001:12|}, 4));
                var b = new Sequential(store.Scope("b"), 4)
                    .Add(s => new Linear(s, {|PK3001:3|}, 16))
                    .Add(s => new Relu(s))
                    .Add(s => new LayerNorm(s, {|PK3001:15|}))
                    .Add(s => new Linear(s, inChannels: 15, outChannels: 2))
                    .Add(s => new Residual(s, {|PK3001:3|}, inner => new Linear(inner, 3, 3)));
            }
        }
        """);

    [Fact]
    public Task Names_the_layer_and_both_widths() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        static class Build
        {
            public static Sequential Run(ParameterStore store) =>
                new Sequential(store.Root, 8).Add(s => new Linear(s, 8, 16)).Add(s => new Gelu(s)).Add(s => new Linear(s, 32, 4));
        }
        """, VerifyCS.Diagnostic().WithSpan(7, 115, 7, 117).WithArguments(2, 32, 16));

    [Fact]
    public Task Accepts_matching_chains_unknown_widths_and_perceptrons() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store, int hidden, Embedding table)
            {
                new Sequential(store.Scope("a"), 8)
                    .Add(s => new Linear(s, 8, 16))
                    .Add(s => new Dropout(s, 0.1f, seed: 1))
                    .Add(s => new LayerNorm(s, 16))
                    .Add(s => new Residual(s, 16, inner => new Sequential(inner, 16).Add(t => new Linear(t, 16, 16)).Add(t => new Tanh(t))))
                    .Add(s => new Softmax(s))
                    .Add(s => new Linear(s, 16, 4));
                new Sequential(store.Scope("b"), 8)
                    .Add(s => new Linear(s, 8, hidden))
                    .Add(s => new Linear(s, 12, 4))
                    .Add(s => new Linear(s, 4, 2));
                new Sequential(store.Scope("c"), hidden)
                    .Add(s => new Linear(s, 8, 4));
                new Sequential(store.Scope("d"), 8)
                    .Add(s => new Linear(s, table))
                    .Add(s => new Linear(s, 100, 2));
                new MultilayerPerceptron(store.Scope("mlp"), [64, 128, 3], Activation.Gelu);
            }
        }
        """);
}
