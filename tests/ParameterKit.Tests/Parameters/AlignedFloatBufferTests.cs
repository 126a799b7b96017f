using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Parameters;

/// <summary>
/// The store's value and gradient buffers start on a 64-byte boundary, so the weights the matrix-vector kernels stream
/// (all of GPT-2's tensor sizes are multiples of 16 floats) start on one too (benchmarks/README.md, "Aligned parameter
/// buffers": a misaligned weight cost a quarter of the bandwidth of token-by-token generation).
/// </summary>
public sealed class AlignedFloatBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(1_000)]
    [InlineData(300_000)] // past the large-object threshold
    public unsafe void StartsOnA64ByteBoundaryZeroedAndSized(int length)
    {
        // Several buffers, since a single allocation could land aligned by chance.
        for (int i = 0; i < 8; i++)
        {
            var buffer = new AlignedFloatBuffer(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0);
            fixed (float* first = buffer.Span)
            {
                Assert.Equal(0u, (nuint)first % AlignedFloatBuffer.Alignment);
            }
        }
    }

    [Fact]
    public void SlicesStayInsideTheBufferAndShareItsMemory()
    {
        var buffer = new AlignedFloatBuffer(40);
        buffer.Slice(16, 8)[0] = 3f;
        Assert.Equal(3f, buffer.Span[16]);
        Assert.Equal(0, buffer.Slice(40, 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(33, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(41, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedFloatBuffer(-1));
    }

    [Fact]
    public unsafe void EveryGpt2WeightAndItsGradientStartOnA64ByteBoundary()
    {
        var model = Gpt2Model.Create(new Gpt2Config(50, 16, 32, 2, 2), seed: 3); // C a multiple of 16, as GPT-2 small's 768
        foreach (var parameter in model.Store.Parameters)
        {
            Assert.Equal(0, parameter.ElementCount % 16); // what makes a 64-byte start for the buffer one for every tensor
            fixed (float* value = parameter.Value, gradient = parameter.Gradient)
            {
                Assert.True((nuint)value % 64 == 0, $"{parameter.Name}'s values start {(nuint)value % 64} bytes past a line.");
                Assert.True((nuint)gradient % 64 == 0, $"{parameter.Name}'s gradient starts {(nuint)gradient % 64} bytes past a line.");
            }
        }
    }
}
