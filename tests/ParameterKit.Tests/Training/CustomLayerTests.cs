using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Tensors;
using ParameterKit.Tests.Modules;

namespace ParameterKit.Tests.Training;

/// <summary>A user adds a layer by supplying its forward and backward; it composes and trains like a built-in one.</summary>
public sealed class CustomLayerTests
{
    /// <summary>y = x ⊙ s with a learned per-channel scale s (a user's own layer, declared through its scope).</summary>
    private sealed class ChannelScale : Layer
    {
        public ChannelScale(ParameterScope scope, int channels)
            : base(scope)
        {
            Scale = Scope.NormGain(channels, name: "scale", init: Init.Constant(0.5f));
        }

        public NormGain Scale { get; }

        public override int OutputWidth(int inputWidth) =>
            inputWidth == Scale.Shape[0] ? inputWidth : throw new ShapeMismatchException(Path, Scale.Shape, new Shape(inputWidth));

        public override void Forward(ReadOnlySpan<float> input, Span<float> output, int inputWidth)
        {
            int rows = CheckRows(input, output, inputWidth);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < inputWidth; c++)
                {
                    output[r * inputWidth + c] = input[r * inputWidth + c] * Scale.Value[c];
                }
            }
        }

        public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int inputWidth)
        {
            int rows = CheckBackwardRows(input, outputGradient, inputGradient, inputWidth);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < inputWidth; c++)
                {
                    int i = r * inputWidth + c;
                    Scale.Gradient[c] += outputGradient[i] * input[i];
                    if (!inputGradient.IsEmpty)
                    {
                        inputGradient[i] = outputGradient[i] * Scale.Value[c];
                    }
                }
            }
        }
    }

    [Fact]
    public void ACustomLayerPassesTheGradientCheckAndIsCountedAndTrained()
    {
        var store = new ParameterStore();
        var model = new Sequential(store.Scope("net"), inputWidth: 5)
            .Add(s => new Linear(s, 5, 6))
            .Add(s => new ChannelScale(s, 6))
            .Add(s => new Linear(s, 6, 2));
        store.Materialize(seed: 8);
        Assert.Equal("net.1.scale", store.Parameters[2].Name);
        Assert.Equal(5 * 6 + 6 + 6 + 6 * 2 + 2, ParameterKit.Counting.ParameterCounter.Count(store).Total);
        GradientCheck.Layer(model, store, rows: 3, width: 5, seed: 4);

        var optimizer = new ParameterKit.Training.Sgd(store, 0.1);
        var scale = store["net.1.scale"].Value.ToArray();
        store.ZeroGradients();
        var x = DoubleReference.RandomValues(15, 1);
        model.Forward(x, new float[6], 5);
        model.Backward(x, DoubleReference.RandomValues(6, 2), default, 5);
        optimizer.Step();
        Assert.NotEqual(scale, store["net.1.scale"].Value.ToArray());
    }
}
