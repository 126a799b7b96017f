using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.AllocationInTrainingLoopAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class AllocationInTrainingLoopTests
{
    [Fact]
    public Task Reports_arrays_collections_and_linq_materialization_in_the_step_loop() => VerifyCS.Analyzer("""
        using System.Collections.Generic;
        using System.Linq;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, float[] x, IEnumerable<float> data)
            {
                for (int step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    var y = {|PK3002:new float[16]|};
                    int[] ids = {|PK3002:[1, 2, 3]|};
                    var seen = {|PK3002:new List<int>()|};
                    var batch = {|PK3002:data.ToArray()|};
                    if (step % 10 == 0)
                    {
                        var log = {|PK3002:data.Take(2).ToList()|};
                    }
                    model.Forward(x, y);
                    model.Backward(x, {|PK3002:new float[16]|});
                    optimizer.Step();
                }
            }
        }
        """);

    [Fact]
    public Task Names_the_allocation_in_the_message() => VerifyCS.Analyzer("""
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, float[] x)
            {
                while (true)
                {
                    model.Backward(x, new float[4]);
                }
            }
        }
        """, VerifyCS.Diagnostic().WithSpan(9, 31, 9, 43).WithArguments("new float[4]"));

    [Fact]
    public Task Accepts_buffers_hoisted_out_of_the_loop_per_epoch_work_and_other_loops() => VerifyCS.Analyzer("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, float[] x, IEnumerable<float> data)
            {
                var y = new float[16];
                var dy = new float[16];
                for (int epoch = 0; epoch < 3; epoch++)
                {
                    var order = data.ToArray();
                    foreach (var item in data.ToList())
                    {
                        optimizer.ZeroGradients();
                        Span<float> scratch = stackalloc float[4];
                        int[] none = [];
                        model.Forward(x, y);
                        model.Backward(x, dy);
                        optimizer.Step();
                    }
                }
                for (int i = 0; i < 10; i++)
                {
                    var report = new List<string> { i.ToString() };
                }
            }
        }
        """);

    [Fact]
    public Task Reports_parameterkit_methods_that_return_a_new_array() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.SafeTensors;
        using ParameterKit.Training;
        using Snippets;

        static class Train
        {
            public static void Run(TinyModel model, Optimizer optimizer, SafeTensorsFile file, float[] dy)
            {
                var buffer = new float[4];
                for (int step = 0; step < 100; step++)
                {
                    optimizer.ZeroGradients();
                    var x = {|PK3002:file.ReadSingles("x")|};
                    file.ConvertToSingle(file.GetTensor("x"), buffer);
                    model.Backward(buffer, dy);
                    optimizer.Step();
                }
            }
        }
        """);
}
