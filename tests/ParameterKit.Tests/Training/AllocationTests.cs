using ParameterKit.Parameters;
using ParameterKit.Tests.Modules;
using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;

namespace ParameterKit.Tests.Training;

/// <summary>
/// The per-batch calls a training loop makes every step allocate nothing: measured with the thread's allocation
/// counter around repeated calls, after a first call has run the JIT.
/// </summary>
public sealed class AllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void PerStepCallsDoNotAllocate()
    {
        const int n = 6, c = 37;
        var logits = DoubleReference.RandomValues(n * c, 3, 4f);
        int[] targets = [1, 36, -100, 0, 20, 5];
        var gradient = new float[n * c];
        var x = DoubleReference.RandomValues(40, 4);
        var y = DoubleReference.RandomValues(40, 5);
        var g = new float[40];
        var crossEntropy = new SoftmaxCrossEntropy(c, DoubleReference.RandomValues(c, 6).Select(Math.Abs).ToArray(), 0.1f);
        var binary = new BinaryCrossEntropyWithLogits([2f, 0.5f]);
        var huber = new Huber(0.5f);
        var matrix = new ConfusionMatrix(c);
        var store = new ParameterStore();
        store.Scope("a").Bias(3000);
        store.Scope("b").Bias(17);
        store.Materialize(seed: 2);
        DoubleReference.RandomValues(3017, 7, 5f).CopyTo(store.Gradients);

        Assert.Equal(0, AllocatedBy(() => crossEntropy.Compute(logits, targets, gradient)));
        Assert.Equal(0, AllocatedBy(() => SoftmaxCrossEntropy.Softmax(logits, c, gradient)));
        Assert.Equal(0, AllocatedBy(() => binary.Compute(x, y, g)));
        Assert.Equal(0, AllocatedBy(() => MeanSquaredError.Compute(x, y, g)));
        Assert.Equal(0, AllocatedBy(() => huber.Compute(x, y, g)));
        Assert.Equal(0, AllocatedBy(() => matrix.AddArgMax(logits, targets)));
        Assert.Equal(0, AllocatedBy(() => matrix.Add(targets.AsSpan(0, 2), targets.AsSpan(3, 2))));
        Assert.Equal(0, AllocatedBy(() => GradientClipping.ClipByGlobalNorm(store, 1f)));
        Assert.Equal(0, AllocatedBy(() => GradientClipping.ClipByValue(store, 0.1f)));
        Assert.Equal(0, AllocatedBy(() => GradientClipping.FirstNonFiniteGradient(store)));
    }
}
