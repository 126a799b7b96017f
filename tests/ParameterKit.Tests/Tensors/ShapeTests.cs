using ParameterKit.Tensors;

namespace ParameterKit.Tests.Tensors;

public sealed class ShapeTests
{
    [Fact]
    public void The_default_shape_is_the_scalar_and_counts_one_element()
    {
        // default(Shape) and new Shape([]) compared equal and hashed alike but counted 0 and 1 elements.
        Shape scalar = new(ReadOnlySpan<int>.Empty);
        Shape unset = default;
        Assert.Equal(scalar, unset);
        Assert.Equal(scalar.GetHashCode(), unset.GetHashCode());
        Assert.Equal(0, unset.Rank);
        Assert.Equal(1, unset.ElementCount);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal(1, new Shape().ElementCount);
        Assert.Equal(0, new Shape(3, 0).ElementCount);
        Assert.Equal(12, new Shape(3, 4).ElementCount);
    }
}
