using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.ParameterNameAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class ParameterNameTests
{
    [Fact]
    public Task Reports_duplicate_names_under_one_scope_including_defaults() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            public Block(ParameterScope scope) : base(scope)
            {
                Scope.Weight(4, 8, "proj");
                Scope.Weight(8, 4, {|PK1002:"proj"|});
                var attn = Scope.Scope("attn");
                attn.Bias(4);
                attn.Bias(4, name: {|PK1002:"bias"|});
                Scope.Scope("mlp").Weight(4, 4);
                {|PK1002:Scope.Scope("mlp").NormGain(4)|};
            }
        }
        """);

    [Fact]
    public Task Reports_names_containing_the_path_separator() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterStore store)
            {
                store.Scope({|PK1002:"h.0"|});
                store.Root.Weight(4, 8, name: {|PK1002:"attn.weight"|});
            }
        }
        """);

    [Fact]
    public Task Names_the_first_declaration_in_the_message() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;

        static class Build
        {
            public static void Run(ParameterScope scope)
            {
                scope.Weight(4, 8);
                scope.Tie("weight", scope.Store["x"]);
            }
        }
        """, VerifyCS.Diagnostic().WithSpan(8, 19, 8, 27).WithArguments("weight",
        "is already declared under 'scope' by the Weight above; each name may be declared once per scope"));

    [Fact]
    public Task Accepts_distinct_names_scopes_branches_loops_and_reassigned_scopes() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            public Block(ParameterScope scope, bool bias, int layers) : base(scope)
            {
                Scope.Weight(4, 8);
                Scope.Bias(4);
                Scope.Scope("ln").NormGain(4);
                Scope.Scope("ln").Bias(4);
                Scope.Scope("a").Weight(4, 4);
                Scope.Scope("b").Weight(4, 4);
                for (int i = 0; i < layers; i++)
                {
                    Scope.Scope("h").Scope(i).Weight(4, 4);
                }
                if (bias)
                {
                    Scope.Scope("x").Bias(4);
                }
                else
                {
                    Scope.Scope("x").Bias(4);
                }
                var s = Scope.Scope("p");
                s.Bias(2);
                s = Scope.Scope("q");
                s.Bias(2);
            }
        }

        sealed class Gpt2Like : Module
        {
            public Gpt2Like(ParameterScope scope) : base(scope)
            {
                var wte = new EmbeddingLayer(Scope.Scope("wte"), 16, 8);
                var ln = new LayerNorm(Scope.Scope("ln_f"), 8);
                var head = new Linear(Scope.Scope("lm_head"), wte.Table);
            }
        }
        """);
}
