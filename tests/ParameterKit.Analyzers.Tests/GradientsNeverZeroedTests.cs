using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.GradientsNeverZeroedAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class GradientsNeverZeroedTests
{
    [Fact]
    public Task Reports_steps_in_loops_that_never_zero() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, float[] x, float[] y, float[] dy)
            {
                optimizer.ZeroGradients();
                for (int step = 0; step < 100; step++)
                {
                    model.Forward(x, y);
                    model.Backward(x, dy);
                    {|PK2001:optimizer.Step()|};
                }
                for (int epoch = 0; epoch < 3; epoch++)
                {
                    store.ZeroGradients();
                    foreach (var batch in new[] { x, x })
                    {
                        model.Backward(batch, dy);
                        {|PK2001:optimizer.Step()|};
                    }
                }
                int i = 0;
                while (i++ < 10)
                {
                    model.Backward(x, dy);
                    if (i % 4 == 0)
                    {
                        {|PK2001:optimizer.Step()|};
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Accepts_zeroing_in_the_loop_accumulation_branches_and_steps_outside_loops() => VerifyCS.Analyzer("""
        using ParameterKit.Parameters;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, ParameterStore store, float[] x, float[] dy, int accumulate)
            {
                for (int step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                }
                for (int step = 0; step < 100; step++)
                {
                    model.Backward(x, dy);
                    optimizer.Step();
                    store.ZeroGradients();
                }
                for (int micro = 0; micro < 100; micro++)
                {
                    model.Backward(x, dy);
                    if ((micro + 1) % accumulate == 0)
                    {
                        optimizer.Step();
                        optimizer.ZeroGradients();
                    }
                }
                do
                {
                    for (int k = 0; k < accumulate; k++)
                    {
                        model.Backward(x, dy);
                    }
                    optimizer.Step();
                    optimizer.ZeroGradients();
                }
                while (false);
                model.Backward(x, dy);
                optimizer.Step();
                // Gradients written, not accumulated: nothing to zero.
                for (int step = 0; step < 3; step++)
                {
                    new System.ReadOnlySpan<float>(x).CopyTo(store.Gradients);
                    optimizer.Step();
                }
            }
        }
        """);

    [Fact]
    public Task Fix_zeroes_before_the_backward_pass_or_after_an_accumulation_step_and_fixes_all() => VerifyCS.CodeFix<ZeroGradientsCodeFix>("""
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, float[] x, float[] y, float[] dy)
            {
                for (int step = 0; step < 100; step++)
                {
                    model.Forward(x, y);
                    model.Backward(x, dy);
                    {|PK2001:optimizer.Step()|};
                }
                for (int micro = 0; micro < 100; micro++)
                {
                    model.Backward(x, dy);
                    if (micro % 4 == 3)
                    {
                        {|PK2001:optimizer.Step()|};
                    }
                }
            }
        }
        """, """
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, float[] x, float[] y, float[] dy)
            {
                for (int step = 0; step < 100; step++)
                {
                    model.Forward(x, y);
                    optimizer.ZeroGradients();
                    model.Backward(x, dy);
                    optimizer.Step();
                }
                for (int micro = 0; micro < 100; micro++)
                {
                    model.Backward(x, dy);
                    if (micro % 4 == 3)
                    {
                        optimizer.Step();
                        optimizer.ZeroGradients();
                    }
                }
            }
        }
        """);
}
