using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.ForeignScopeAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class ForeignScopeTests
{
    [Fact]
    public Task Reports_parameters_and_modules_declared_through_a_store_the_module_creates() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            private readonly ParameterStore _side = new();

            public Block(ParameterScope scope) : base(scope)
            {
                var w = {|PK1001:new ParameterStore()|}.Root.Weight(4, 8);
                var store = new ParameterStore();
                var b = {|PK1001:store|}.Scope("aux").Scope(0).Bias(4);
                var fc = new Linear({|PK1001:_side|}.Scope("fc"), 8, 4);
                var g = {|PK1001:store|}.Root.NormGain(8);
            }
        }
        """);

    [Fact]
    public Task Reports_parameters_and_modules_kept_only_in_a_local_collection_nobody_reads() => VerifyCS.Analyzer("""
        using System.Collections.Generic;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Experts : Module
        {
            public Experts(ParameterScope scope, int count) : base(scope)
            {
                var {|PK1001:experts = new List<Linear>()|};
                for (int i = 0; i < count; i++)
                {
                    experts.Add(new Linear(Scope.Scope("experts").Scope(i), 8, 8));
                }
                var {|PK1001:gates = new Weight[count]|};
                for (int i = 0; i < gates.Length; i++)
                {
                    gates[i] = Scope.Scope("gates").Scope(i).Weight(1, 8);
                }
            }
        }
        """);

    [Fact]
    public Task Names_the_declaration_and_the_reason_in_the_message() => VerifyCS.Analyzer("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            public Block(ParameterScope scope) : base(scope) => new ParameterStore().Root.Bias(4);
        }
        """, VerifyCS.Diagnostic().WithSpan(6, 57, 6, 77).WithArguments("Bias",
        "is declared through a store the module creates itself; the model's optimizer, checkpoints and counts never see it"));

    [Fact]
    public Task Accepts_the_modules_own_scope_passed_scopes_fields_and_the_library_idioms() => VerifyCS.Analyzer("""
        using System.Collections.Generic;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Mlp : Module
        {
            private readonly List<Linear> _layers = new();

            public Mlp(ParameterScope scope, ParameterScope shared) : base(scope)
            {
                Up = new Linear(Scope.Scope("c_fc"), 8, 32);
                Down = new Linear(Scope.Scope("c_proj"), 32, 8);
                Gain = Scope.NormGain(8);
                Extra = shared.Scope("extra").Bias(8);
                Head = new Sequential(Scope.Scope("head"), 8).Add(s => new Linear(s, 8, 4));
                var experts = new List<Linear>();
                for (int i = 0; i < 2; i++)
                {
                    experts.Add(new Linear(Scope.Scope("experts").Scope(i), 8, 8));
                }
                Experts = experts;
                var blocks = new Linear[2];
                blocks[0] = new Linear(Scope.Scope("blocks").Scope(0), 8, 8);
                blocks[1] = new Linear(Scope.Scope("blocks").Scope(1), 8, 8);
                _layers.AddRange(blocks);
                var store = Scope.Store;
                var tied = store.Root.Scope("t");
                var heads = new Linear[1];
                heads[0] = new Linear(Scope.Scope("heads").Scope(0), 8, 2);
                Head0 = () => heads[0];
            }

            public System.Func<Linear> Head0 { get; }

            public Linear Up { get; }
            public Linear Down { get; }
            public NormGain Gain { get; }
            public Bias Extra { get; }
            public Sequential Head { get; }
            public IReadOnlyList<Linear> Experts { get; }
        }

        static class Program
        {
            // Outside a module, a store is how a model starts.
            public static void Main()
            {
                var store = new ParameterStore();
                var fc = new Linear(store.Scope("fc"), 4, 2);
                var local = new List<Linear> { fc };
                store.Materialize(seed: 1);
            }
        }
        """);

    [Fact]
    public Task Fix_declares_through_the_modules_scope_and_fixes_all() => VerifyCS.CodeFix<UseModuleScopeCodeFix>("""
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            public Block(ParameterScope scope) : base(scope)
            {
                var w = {|PK1001:new ParameterStore()|}.Root.Weight(4, 8);
                var store = new ParameterStore();
                var b = {|PK1001:store|}.Scope("aux").Bias(4);
                var fc = new Linear({|PK1001:store|}.Root, 8, 4);
            }
        }
        """, """
        using ParameterKit.Modules;
        using ParameterKit.Parameters;

        sealed class Block : Module
        {
            public Block(ParameterScope scope) : base(scope)
            {
                var w = Scope.Weight(4, 8);
                var store = new ParameterStore();
                var b = Scope.Scope("aux").Bias(4);
                var fc = new Linear(Scope, 8, 4);
            }
        }
        """);

    [Fact]
    public Task Static_factories_that_build_a_whole_model_are_not_reported()
    {
        // A static member does not run while a module is built: a fresh store there holds a new, whole model
        // (the idiom of Gpt2Model.Create and Gpt2Config.Declare), so nothing goes missing.
        const string source = """
            using ParameterKit.Modules;
            using ParameterKit.Parameters;

            sealed class Block : Module
            {
                public Block(ParameterScope scope) : base(scope)
                {
                    Gain = Scope.NormGain(4);
                }

                public NormGain Gain { get; }

                public static Block Create(ulong seed)
                {
                    var store = new ParameterStore();
                    var block = new Block(store.Root);
                    store.Materialize(seed);
                    return block;
                }
            }
            """;
        return VerifyCS.Analyzer(source);
    }
}
