namespace ParameterKit.Tensors.Conversions;

/// <summary>Length checks shared by the conversion kernels, so every kernel words its errors the same way.</summary>
internal static class ConversionGuards
{
    /// <summary>Checks that a byte buffer holds exactly <paramref name="elements"/> values of <paramref name="bytesPerElement"/> bytes.</summary>
    /// <param name="byteLength">The byte buffer's length.</param>
    /// <param name="elements">The element buffer's length.</param>
    /// <param name="bytesPerElement">Bytes of one element.</param>
    /// <param name="byteBufferName">The byte buffer's parameter name, which the exception carries.</param>
    internal static void CheckLengths(int byteLength, int elements, int bytesPerElement, string byteBufferName)
    {
        if ((long)elements * bytesPerElement != byteLength)
        {
            throw new ArgumentException(
                $"The byte buffer holds {byteLength} bytes, but {elements} elements of {bytesPerElement} bytes need {(long)elements * bytesPerElement}.", byteBufferName);
        }
    }
}
