using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.ConstantWeightInitializerAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class ConstantWeightInitializerTests
{
    [Fact]
    public Task Reports_constant_initializers_of_weights_and_embeddings() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        sealed class Head : Module
        {
            public Head(ParameterScope scope) : base(scope)
            {
                var w = Scope.Weight(4, 8, init: {|PK1003:Init.Zeros|});
                var v = Scope.Weight(4, 8, "proj", {|PK1003:Init.Ones|});
                var e = Scope.Embedding(10, 8, init: {|PK1003:Init.Constant(0.5f)|});
                var fc = new Linear(Scope.Scope("fc"), 8, 4, weightInit: {|PK1003:Init.Zeros|});
                w.Initializer = {|PK1003:Init.Constant(1f)|};
            }
        }
        """);

    [Fact]
    public Task Reports_the_kind_and_the_initializer_in_the_message() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        static class Build
        {
            public static void Run(ParameterStore store) => store.Root.Weight(4, 8, init: Init.Zeros);
        }
        """, VerifyCS.Diagnostic().WithSpan(6, 83, 6, 93).WithArguments("Init.Zeros", "Weight"));

    [Fact]
    public Task Accepts_constant_biases_norm_gains_random_weights_and_the_samples() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        sealed class Norm : Module
        {
            public Norm(ParameterScope scope) : base(scope)
            {
                Scope.Bias(8, init: Init.Zeros);
                Scope.NormGain(8, init: Init.Ones);
                Scope.Bias(8, "shift", Init.Constant(0.1f));
                Scope.Weight(4, 8, init: Init.Normal(0, 0.02));
                Scope.Weight(4, 8, "xavier", Init.XavierUniform());
                Scope.Embedding(10, 8);
                new Linear(Scope.Scope("fc"), 8, 4, weightInit: Init.KaimingNormal());
            }
        }

        static class Sample
        {
            public static void Main()
            {
                var store = new ParameterStore();
                var mlp = new MultilayerPerceptron(store.Scope("classifier"), [64, 128, 3], Activation.Gelu);
                store.Materialize(seed: 42);
            }
        }
        """);

    [Fact]
    public Task Fix_writes_the_kinds_default_initializer() => VerifyCS.CodeFix<UseDefaultInitializerCodeFix>("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        sealed class Head : Module
        {
            public Head(ParameterScope scope) : base(scope)
            {
                Scope.Weight(4, 8, init: {|PK1003:Init.Zeros|});
                Scope.Embedding(10, 8, init: {|PK1003:Init.Constant(0.5f)|});
            }
        }
        """, """
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Parameters.Initializers;

        sealed class Head : Module
        {
            public Head(ParameterScope scope) : base(scope)
            {
                Scope.Weight(4, 8, init: Init.LinearDefault);
                Scope.Embedding(10, 8, init: Init.EmbeddingDefault);
            }
        }
        """);

    [Fact]
    public Task Fix_qualifies_the_initializer_when_its_namespace_is_not_imported() => VerifyCS.CodeFix<UseDefaultInitializerCodeFix>("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Head : Module
        {
            public Head(ParameterScope scope) : base(scope)
            {
                new Linear(Scope, 8, 4, weightInit: {|PK1003:ParameterKit.Parameters.Initializers.Init.Ones|});
            }
        }
        """, """
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Head : Module
        {
            public Head(ParameterScope scope) : base(scope)
            {
                new Linear(Scope, 8, 4, weightInit: ParameterKit.Parameters.Initializers.Init.LinearDefault);
            }
        }
        """);
}
