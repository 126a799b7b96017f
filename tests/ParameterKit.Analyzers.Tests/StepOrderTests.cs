using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.StepOrderAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class StepOrderTests
{
    [Fact]
    public Task Reports_clipping_schedule_and_backward_after_the_step() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, LearningRateSchedule schedule, float[] x, float[] dy)
            {
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                    {|PK2002:GradientClipping.ClipByGlobalNorm(store, 1f)|};
                    {|PK2002:optimizer.LearningRate = (float)schedule.At(step)|};
                }
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    optimizer.Step();
                    {|PK2002:model.Backward(x, dy)|};
                    GradientClipping.ClipByValue(store, 5f);
                }
            }
        }
        """);

    [Fact]
    public Task Names_both_statements_and_the_reason() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, float[] x, float[] dy)
            {
                model.Backward(x, dy);
                optimizer.Step();
                var norm = GradientClipping.ClipByGlobalNorm(store, 1f);
            }
        }
        """, VerifyCS.Diagnostic().WithSpan(11, 20, 11, 64).WithSpan(10, 9, 10, 25)
        .WithArguments("GradientClipping.ClipByGlobalNorm(store, 1f)", "optimizer.Step()", "the step already used the unclipped gradients; clip before the step"));

    [Fact]
    public Task Accepts_the_right_order_a_lookahead_schedule_and_the_next_iterations_statements() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, LearningRateSchedule schedule, float[] x, float[] dy)
            {
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    GradientClipping.ClipByGlobalNorm(store, 1f);
                    optimizer.LearningRate = (float)schedule.At(step);
                    optimizer.Step();
                }
                optimizer.LearningRate = (float)schedule.At(0);
                for (long step = 0; step < 100; step++)
                {
                    model.Backward(x, dy);
                    optimizer.Step();
                    optimizer.LearningRate = (float)schedule.At(step + 1);
                    optimizer.ZeroGradients();
                }
                // Unrolled: the second backward starts the next step, so the clip after it belongs to that step.
                model.Backward(x, dy);
                optimizer.Step();
                optimizer.ZeroGradients();
                model.Backward(x, dy);
                GradientClipping.ClipByValue(store, 5f);
                optimizer.Step();
            }
        }
        """);

    [Fact]
    public Task Accepts_a_schedule_read_at_an_index_advanced_after_the_step() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        static class Train
        {
            // Each of these sets the next step's rate on purpose: the index was advanced after the step (an
            // increment, a new local, or the optimizer's own StepCount, which Step() advanced).
            public static void Increment(TinyModel model, Optimizer optimizer, LearningRateSchedule schedule, float[] x, float[] dy, long step)
            {
                model.Backward(x, dy);
                optimizer.Step();
                step++;
                optimizer.LearningRate = (float)schedule.At(step);
            }

            public static void NewLocal(TinyModel model, Optimizer optimizer, LearningRateSchedule schedule, float[] x, float[] dy, long step)
            {
                model.Backward(x, dy);
                optimizer.Step();
                long next = step + 1;
                optimizer.LearningRate = (float)schedule.At(next);
            }

            public static void StepCount(TinyModel model, Optimizer optimizer, LearningRateSchedule schedule, float[] x, float[] dy)
            {
                model.Backward(x, dy);
                optimizer.Step();
                optimizer.LearningRate = (float)schedule.At(optimizer.StepCount);
            }

            // Advanced before the step, not after: still this step's index, still reported.
            public static void AdvancedBefore(TinyModel model, Optimizer optimizer, LearningRateSchedule schedule, float[] x, float[] dy, long step)
            {
                long current = step + 2;
                model.Backward(x, dy);
                optimizer.Step();
                {|PK2002:optimizer.LearningRate = (float)schedule.At(current)|};
            }
        }
        """);

    [Fact]
    public Task Fix_moves_the_statement_before_the_step_and_fixes_all() => VerifyCS.CodeFix<MoveBeforeStepCodeFix>("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, LearningRateSchedule schedule, float[] x, float[] dy)
            {
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                    {|PK2002:GradientClipping.ClipByGlobalNorm(store, 1f)|};
                }
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    optimizer.Step();
                    {|PK2002:model.Backward(x, dy)|};
                }
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                    {|PK2002:optimizer.LearningRate = (float)schedule.At(step)|};
                }
            }
        }
        """, """
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using ParameterKit.Training.Schedules;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, LearningRateSchedule schedule, float[] x, float[] dy)
            {
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    GradientClipping.ClipByGlobalNorm(store, 1f);
                    optimizer.Step();
                }
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                }
                for (long step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.LearningRate = (float)schedule.At(step);
                    optimizer.Step();
                }
            }
        }
        """);
}
