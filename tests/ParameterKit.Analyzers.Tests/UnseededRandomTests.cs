using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.UnseededRandomAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class UnseededRandomTests
{
    [Fact]
    public Task Reports_unseeded_generators_in_modules_and_initialization() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        sealed class Noisy : Module
        {
            private readonly Random _random = {|PK1004:new Random()|};

            public Noisy(ParameterScope scope) : base(scope)
            {
                var jitter = {|PK1004:Random.Shared|}.NextDouble();
            }
        }

        static class Build
        {
            public static void Run(ParameterStore store, Weight weight)
            {
                store.Materialize({|PK1004:new Random()|});
                Init.Normal(0, 1).Fill(new float[4], weight.Fans, {|PK1004:Random.Shared|});
                var rng = {|PK1004:new Random()|};
                store.Materialize(rng);
            }
        }
        """);

    [Fact]
    public Task Names_the_source_in_the_message() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store) => store.Materialize(new System.Random());
        }
        """, VerifyCS.Diagnostic().WithSpan(5, 71, 5, 90).WithArguments("new System.Random()"));

    [Fact]
    public Task Accepts_seeds_and_randomness_outside_model_construction() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        static class Program
        {
            public static void Main()
            {
                var store = new ParameterStore();
                var mlp = new MultilayerPerceptron(store.Scope("classifier"), [64, 128, 3], Activation.Gelu);
                store.Materialize(seed: 42);
                store.Materialize(new Random(7));
                // Shuffling data is not model construction.
                var order = new int[10];
                new Random().Shuffle(order);
                Random.Shared.Shuffle(order);
            }
        }
        """);

    [Fact]
    public Task Fix_adds_a_seed_and_fixes_all() => VerifyCS.CodeFix<AddSeedCodeFix>("""
        using System;
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store)
            {
                store.Materialize({|PK1004:new Random()|});
                store.Materialize({|PK1004:Random.Shared|});
                Random rng = {|PK1004:new()|};
                store.Materialize(rng);
            }
        }
        """, """
        using System;
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store)
            {
                store.Materialize(new Random(42));
                store.Materialize(new Random(42));
                Random rng = new(42);
                store.Materialize(rng);
            }
        }
        """);
}
