using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting;
using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Counting;

/// <summary>Counting invariants over random perceptrons and stores.</summary>
public sealed class CountingPropertyTests
{
    private static int[] Widths(NonEmptyArray<PositiveInt> hidden, PositiveInt input, PositiveInt output) =>
        [1 + input.Get % 40, .. hidden.Get.Take(4).Select(h => 1 + h.Get % 40), 1 + output.Get % 40];

    [Property(MaxTest = 60)]
    public bool SumOfKindsEqualsTotal(NonEmptyArray<PositiveInt> hidden, PositiveInt input, PositiveInt output)
    {
        var store = new ParameterStore();
        _ = new MultilayerPerceptron(store.Scope("mlp"), Widths(hidden, input, output));
        var c = store.Count();
        return c.Embedding + c.Weight + c.Bias + c.NormGain == c.Total && c.Trainable + c.Frozen == c.Total;
    }

    [Property(MaxTest = 60)]
    public bool DeclaredCountEqualsMaterializedBufferLength(NonEmptyArray<PositiveInt> hidden, PositiveInt input, PositiveInt output, ulong seed)
    {
        var store = new ParameterStore();
        var widths = Widths(hidden, input, output);
        _ = new MultilayerPerceptron(store.Scope("mlp"), widths);
        long declared = store.Count().Total;
        long expected = 0;
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            expected += (long)widths[i] * widths[i + 1] + widths[i + 1];
        }
        store.Materialize(seed);
        return declared == expected && store.Values.Length == declared && store.Gradients.Length == declared
            && store.Parameters.Sum(p => (long)p.Value.Length) == declared;
    }

    [Property(MaxTest = 60)]
    public bool ModuleCountsSumToTheirParent(NonEmptyArray<PositiveInt> hidden, PositiveInt input, PositiveInt output)
    {
        var store = new ParameterStore();
        var mlp = new MultilayerPerceptron(store.Scope("mlp"), Widths(hidden, input, output));
        long children = mlp.Children.Sum(child => store.CountUnder(child.Path).Total);
        return children == store.CountUnder("mlp").Total && children == store.Count().Total;
    }

    [Property(MaxTest = 40)]
    public bool FreezingMovesCountsFromTrainableToFrozen(NonEmptyArray<PositiveInt> hidden, PositiveInt input, PositiveInt output)
    {
        var store = new ParameterStore();
        _ = new MultilayerPerceptron(store.Scope("mlp"), Widths(hidden, input, output));
        long biases = store.Count().Bias;
        store.Freeze(ParameterKind.Bias);
        var c = store.Count();
        return c.Frozen == biases && c.Trainable == c.Total - biases;
    }

    [Fact]
    public void CountingAStoreAllocatesNothing()
    {
        var store = ParameterKit.Models.Gpt2.Gpt2Config.Small.Declare();
        store.Count(); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        var counts = store.Count();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(124_439_808L, counts.Total);
        Assert.Equal(0, after - before);
    }
}
