using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.LoraTargetPatternAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class LoraTargetPatternTests
{
    private const string Gpt2Layers = "c_attn, c_proj, c_fc, lm_head";
    private const string LlamaLayers = "q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head";

    [Fact]
    public Task Reports_patterns_no_layer_of_a_known_architecture_matches_with_the_nearest_name() => VerifyCS.Analyzer("""
        using System.Collections.Generic;
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Models.Llama;

        static class Tune
        {
            public static void Run(string folder)
            {
                var gpt2 = Gpt2Model.Load(folder);
                LoraAdapters.Attach(gpt2.Store, new LoraOptions { TargetModules = [{|#0:"c_atn"|}, "c_proj", "attn.c_attn", {|#1:"ln_1"|}, {|#2:"*.q_proj"|}] });
                var llama = LlamaModel.Load(folder);
                var options = new LoraOptions { TargetModules = new[] { {|#3:"q_poj"|}, "v_proj", "model.layers.3.mlp.up_proj", {|#4:"self_attn.up_proj"|} } };
                LoraAdapters.Attach(llama.Store, options);
                LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { TargetModules = new List<string> { "h.*.attn.c_attn", "h.1?.mlp.*", {|#5:"c_attn.weight"|} } });
            }
        }
        """,
        VerifyCS.Diagnostic().WithLocation(0).WithArguments("c_atn", $"matches no linear layer of GPT-2; the nearest layer name is 'c_attn' (its linear layers: {Gpt2Layers})"),
        VerifyCS.Diagnostic().WithLocation(1).WithArguments("ln_1", $"names a layer norm of GPT-2, not a linear layer; adapters attach to its linear layers: {Gpt2Layers}"),
        VerifyCS.Diagnostic().WithLocation(2).WithArguments("*.q_proj", $"names a layer of the Llama family, which GPT-2 does not have; its linear layers: {Gpt2Layers}"),
        VerifyCS.Diagnostic().WithLocation(3).WithArguments("q_poj", $"matches no linear layer of the Llama family; the nearest layer name is 'q_proj' (its linear layers: {LlamaLayers})"),
        VerifyCS.Diagnostic().WithLocation(4).WithArguments("self_attn.up_proj", "matches no linear layer of the Llama family: its 'up_proj' layers are model.layers.N.mlp.up_proj"),
        VerifyCS.Diagnostic().WithLocation(5).WithArguments("c_attn.weight", "names a parameter ('weight'), not a layer: targets name the layer, 'c_attn'"));

    [Fact]
    public Task On_a_store_of_unknown_contents_reports_only_what_no_model_can_match() => VerifyCS.Analyzer("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Parameters;

        static class Tune
        {
            public static void Run(ParameterStore custom, Gpt2Model given, string folder)
            {
                // A user's model may call its layers anything, and a Gpt2Model built on a scope may share its store.
                LoraAdapters.Attach(custom, new LoraOptions { TargetModules = ["my_proj", "q_poj", "x_proj", {|#0:"head.bias"|}, {|#1:"h..c_attn"|}] });
                LoraAdapters.Attach(given.Store, new LoraOptions { TargetModules = ["q_poj", "classifier"] });
                // One options object for two architectures: neither can be assumed.
                var shared = new LoraOptions { TargetModules = ["c_attn", "q_proj"] };
                LoraAdapters.Attach(Gpt2Model.Load(folder).Store, shared);
                LoraAdapters.Attach(custom, shared);
                // Patterns that are not constants in the initializer are not read.
                string[] targets = ["q_poj"];
                LoraAdapters.Attach(Gpt2Model.Load(folder).Store, new LoraOptions { TargetModules = targets });
            }
        }
        """,
        VerifyCS.Diagnostic().WithLocation(0).WithArguments("head.bias", "names a parameter ('bias'), not a layer: targets name the layer, 'head'"),
        VerifyCS.Diagnostic().WithLocation(1).WithArguments("h..c_attn", "has an empty path segment, and no layer's path has one"));

    [Fact]
    public Task Accepts_every_layer_of_both_architectures() => VerifyCS.Analyzer("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Models.Llama;

        static class Tune
        {
            public static void Run(string folder, LlamaConfig config)
            {
                LoraAdapters.Attach(Gpt2Model.Load(folder).Store, new LoraOptions { TargetModules = ["c_attn", "c_proj", "mlp.c_fc", "attn.c_proj", "h.0.attn.c_attn", "lm_head", "*.c_fc", "h.*"] });
                LoraAdapters.Declare(config.Declare(), new LoraOptions { TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "*.self_attn.*", "model.layers.11.mlp.down_proj"] });
            }
        }
        """);

    [Fact]
    public Task Fix_corrects_typos_and_parameter_names_and_leaves_what_has_no_mechanical_fix() => VerifyCS.CodeFix<LoraTargetPatternCodeFix>("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Llama;
        using ParameterKit.Parameters;

        static class Tune
        {
            public static void Run(string folder, ParameterStore custom)
            {
                LoraAdapters.Attach(LlamaModel.Load(folder).Store, new LoraOptions { TargetModules = [{|PK1005:"q_poj"|}, {|PK1005:"*.v_prj"|}, {|PK1005:"o_proj.weight"|}, {|PK1005:"embed_tokens"|}] });
                LoraAdapters.Attach(custom, new LoraOptions { TargetModules = [{|PK1005:"fc1.bias"|}] });
            }
        }
        """, """
        using ParameterKit.Adapters;
        using ParameterKit.Models.Llama;
        using ParameterKit.Parameters;

        static class Tune
        {
            public static void Run(string folder, ParameterStore custom)
            {
                LoraAdapters.Attach(LlamaModel.Load(folder).Store, new LoraOptions { TargetModules = ["q_proj", "*.v_proj", "o_proj", {|PK1005:"embed_tokens"|}] });
                LoraAdapters.Attach(custom, new LoraOptions { TargetModules = ["fc1"] });
            }
        }
        """);
}
