using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.OptimizerOverAdaptedBaseAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class OptimizerOverAdaptedBaseTests
{
    [Fact]
    public Task Reports_optimizers_over_the_adapted_store_before_or_after_the_attach() => VerifyCS.Analyzer("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Parameters;
        using ParameterKit.Training;

        sealed class Tune
        {
            private LoraAdapters _lora;

            public static void Run(Gpt2Model model, LoraOptions options)
            {
                var lora = LoraAdapters.Attach(model.Store, options);
                model.Store.Unfreeze("*");
                var trainer = new Trainer<int[]>(new Gpt2LanguageModelTask(model), new AdamW({|#0:model.Store|}, 2e-4));
            }

            public static void Before(ParameterStore store, LoraOptions options)
            {
                var sgd = new Sgd({|#1:store|}, 0.1);
                LoraAdapters.Attach(store, options);
            }

            public void Loaded(ParameterStore store, string folder)
            {
                _lora = LoraAdapters.Load(store, folder);
                var adam = new Adam({|#2:store|});
            }
        }
        """,
        VerifyCS.Diagnostic().WithLocation(0).WithArguments("model.Store", "'lora.Store'"),
        VerifyCS.Diagnostic().WithLocation(1).WithArguments("store", "the store of the LoraAdapters that call returns (keep it in a variable)"),
        VerifyCS.Diagnostic().WithLocation(2).WithArguments("store", "'_lora.Store'"));

    [Fact]
    public Task Accepts_the_adapters_store_both_stores_other_stores_and_unknown_ones() => VerifyCS.Analyzer("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Parameters;
        using ParameterKit.Training;

        static class Tune
        {
            public static void Adapters(Gpt2Model model, LoraOptions options)
            {
                var lora = LoraAdapters.Attach(model.Store, options);
                var trainer = new Trainer<int[]>(new Gpt2LanguageModelTask(model), new AdamW(lora.Store, 2e-4));
            }

            public static void ModulesToSave(Gpt2Model model, LoraOptions options)
            {
                // PEFT's modules_to_save: the adapters and a few unfrozen base parameters, each store with its optimizer.
                var lora = LoraAdapters.Attach(model.Store, options);
                model.Store.Unfreeze("ln_f.*");
                var adapters = new AdamW(lora.Store, 2e-4);
                var head = new AdamW(model.Store, 1e-5);
            }

            public static void Elsewhere(Gpt2Model model, ParameterStore other, LoraOptions options)
            {
                LoraAdapters.Attach(model.Store, options);
                var optimizer = new AdamW(other);
            }

            public static void NoAdapters(ParameterStore store) => new Sgd(store, 0.1).Step();

            public static void Unknown(string folder, LoraOptions options)
            {
                // Two loads are two stores: the rule compares how stores are written, and a call is no name.
                LoraAdapters.Attach(Gpt2Model.Load(folder).Store, options);
                var optimizer = new AdamW(Gpt2Model.Load(folder).Store);
            }
        }
        """);

    [Fact]
    public Task Fix_builds_the_optimizer_over_the_adapters_store() => VerifyCS.CodeFix<TrainAdaptersStoreCodeFix>("""
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Parameters;
        using ParameterKit.Training;

        sealed class Tune
        {
            private LoraAdapters _lora;

            public static void Run(Gpt2Model model, LoraOptions options)
            {
                var lora = LoraAdapters.Attach(model.Store, options);
                var trainer = new Trainer<int[]>(new Gpt2LanguageModelTask(model), new AdamW({|PK2003:model.Store|}, 2e-4));
            }

            public void Loaded(ParameterStore store, string folder)
            {
                _lora = LoraAdapters.Load(store, folder);
                var adam = new Adam({|PK2003:store|});
            }

            public static void Discarded(ParameterStore store, LoraOptions options)
            {
                LoraAdapters.Attach(store, options);
                var sgd = new Sgd({|PK2003:store|}, 0.1);
            }
        }
        """, """
        using ParameterKit.Adapters;
        using ParameterKit.Models.Gpt2;
        using ParameterKit.Parameters;
        using ParameterKit.Training;

        sealed class Tune
        {
            private LoraAdapters _lora;

            public static void Run(Gpt2Model model, LoraOptions options)
            {
                var lora = LoraAdapters.Attach(model.Store, options);
                var trainer = new Trainer<int[]>(new Gpt2LanguageModelTask(model), new AdamW(lora.Store, 2e-4));
            }

            public void Loaded(ParameterStore store, string folder)
            {
                _lora = LoraAdapters.Load(store, folder);
                var adam = new Adam(_lora.Store);
            }

            public static void Discarded(ParameterStore store, LoraOptions options)
            {
                LoraAdapters.Attach(store, options);
                var sgd = new Sgd({|PK2003:store|}, 0.1);
            }
        }
        """);
}
