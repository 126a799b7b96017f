using System.Collections;
using System.Text;

namespace ParameterKit.Tensors;

/// <summary>
/// The dimensions of a tensor in C (row-major) order, for example <c>[V, C]</c> for an embedding table.
/// A shape of rank 0 is a scalar with one element.
/// </summary>
/// <remarks>
/// A shape is immutable: the constructor copies the dimensions it is given. The element count is computed
/// once with overflow checking, so a shape whose product does not fit in a <see cref="long"/> can never exist.
/// </remarks>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dimensions;
    private readonly long _elementCount;

    /// <summary>Creates a shape from its dimensions.</summary>
    /// <param name="dimensions">The size of each dimension, outermost first. Each must be zero or positive.</param>
    /// <exception cref="InvalidShapeException">A dimension is negative, or the element count overflows a 64-bit integer.</exception>
    public Shape(params ReadOnlySpan<int> dimensions)
    {
        _dimensions = dimensions.ToArray();
        _elementCount = CheckedElementCount(_dimensions);
    }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dimensions?.Length ?? 0;

    /// <summary>The product of the dimensions: how many values a tensor of this shape holds.</summary>
    /// <remarks>
    /// <c>default(Shape)</c> (and <c>new Shape()</c>) has no dimensions, so it is the scalar shape with one element, as
    /// <c>new Shape([])</c> is: the two are equal, and count the same.
    /// </remarks>
    public long ElementCount => _dimensions is null ? 1 : _elementCount;

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>The size of dimension <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based dimension index.</param>
    public int this[int index] => (_dimensions ?? [])[index];

    int IReadOnlyCollection<int>.Count => Rank;

    /// <summary>Validates dimensions and returns their product.</summary>
    private static long CheckedElementCount(int[] dimensions)
    {
        long count = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] < 0)
            {
                throw new InvalidShapeException(null, dimensions, $"dimension {i} is negative ({dimensions[i]})");
            }
            try
            {
                count = checked(count * dimensions[i]);
            }
            catch (OverflowException)
            {
                throw new InvalidShapeException(null, dimensions, "the element count overflows a 64-bit integer");
            }
        }
        return count;
    }

    /// <inheritdoc />
    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dimensions)
        {
            hash.Add(d);
        }
        return hash.ToHashCode();
    }

    /// <summary>Compares two shapes dimension by dimension.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Compares two shapes dimension by dimension.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>[d0, d1, ...]</c>, the form every error message uses.</summary>
    public override string ToString() => Format(Dimensions);

    internal static string Format(ReadOnlySpan<int> dimensions)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            text.Append(dimensions[i]);
        }
        return text.Append(']').ToString();
    }

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dimensions ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
