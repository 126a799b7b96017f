using Microsoft.CodeAnalysis.Testing;
using ParameterKit.Analyzers;

namespace ParameterKit.Analyzers.Tests;

/// <summary>
/// The training-loop rules together on loops written with the real library: a layer's Backward, AdamW and Sgd, a
/// cosine schedule and global-norm clipping. The canonical loop must stay silent; the broken one reports each rule
/// once, at its statement.
/// </summary>
public class TrainingIdiomTests
{
    private const string Canonical = """
        using System;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;

        static class Train
        {
            public static void Run()
            {
                var store = new ParameterStore();
                var fc = new Linear(store.Scope("fc"), 4, 2);
                store.Materialize(seed: 42);
                var optimizer = new AdamW(store, learningRate: 3e-4);
                var schedule = new CosineSchedule(3e-4, warmupSteps: 10, totalSteps: 100);
                var x = new float[8 * 4];
                var y = new float[8 * 2];
                var dy = new float[8 * 2];
                var dx = new float[8 * 4];
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    fc.Forward(x, y, 4);
                    fc.Backward(x, dy, dx, 4);
                    GradientClipping.ClipByGlobalNorm(store, 1f);
                    optimizer.LearningRate = schedule.At(step);
                    optimizer.Step();
                }
            }
        }
        """;

    private const string Broken = """
        using System;
        using ParameterKit.Modules;
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;

        static class Train
        {
            public static void Run()
            {
                var store = new ParameterStore();
                var fc = new Linear(store.Scope("fc"), 4, 2);
                store.Materialize(seed: 42);
                var optimizer = new Sgd(store, 0.1, momentum: 0.9);
                var schedule = new CosineSchedule(0.1, warmupSteps: 10, totalSteps: 100);
                var x = new float[8 * 4];
                for (long step = 0; step < 100; step++)
                {
                    var y = {|#0:new float[8 * 2]|};
                    fc.Forward(x, y, 4);
                    fc.Backward(x, y, {|#1:new float[8 * 4]|}, 4);
                    {|#2:optimizer.Step()|};
                    {|#3:GradientClipping.ClipByGlobalNorm(store, 1f)|};
                    {|#4:optimizer.LearningRate = schedule.At(step)|};
                }
            }
        }
        """;

    [Fact]
    public async Task The_canonical_loop_is_silent_under_every_training_rule()
    {
        await Verify<GradientsNeverZeroedAnalyzer>.Analyzer(Canonical);
        await Verify<StepOrderAnalyzer>.Analyzer(Canonical);
        await Verify<AllocationInTrainingLoopAnalyzer>.Analyzer(Canonical);
        await Verify<UnseededRandomAnalyzer>.Analyzer(Canonical);
    }

    [Fact]
    public async Task The_broken_loop_reports_each_mistake_where_it_is()
    {
        await Verify<AllocationInTrainingLoopAnalyzer>.Analyzer(Broken,
            Verify<AllocationInTrainingLoopAnalyzer>.Diagnostic().WithLocation(0).WithArguments("new float[8 * 2]"),
            Verify<AllocationInTrainingLoopAnalyzer>.Diagnostic().WithLocation(1).WithArguments("new float[8 * 4]"));
        await Verify<GradientsNeverZeroedAnalyzer>.Analyzer(Broken,
            Verify<GradientsNeverZeroedAnalyzer>.Diagnostic().WithLocation(2).WithArguments("optimizer.Step()"));
        await Verify<StepOrderAnalyzer>.Analyzer(Broken,
            Verify<StepOrderAnalyzer>.Diagnostic().WithLocation(3).WithLocation(2, DiagnosticLocationOptions.None)
                .WithArguments("GradientClipping.ClipByGlobalNorm(store, 1f)", "optimizer.Step()", "the step already used the unclipped gradients; clip before the step"),
            Verify<StepOrderAnalyzer>.Diagnostic().WithLocation(4).WithLocation(2, DiagnosticLocationOptions.None)
                .WithArguments("optimizer.LearningRate = schedule.At(step)", "optimizer.Step()", "the learning rate set here reaches the next step, not this one; set it before the step"));
    }
}
