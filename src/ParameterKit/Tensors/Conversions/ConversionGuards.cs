namespace ParameterKit.Tensors.Conversions;

/// <summary>Length checks shared by the conversion kernels, so every kernel words its errors the same way.</summary>
internal static class ConversionGuards
{
    /// <summary>Checks that a byte buffer holds exactly <paramref name="elements"/> values of <paramref name="bytesPerElement"/> bytes.</summary>
    internal static void CheckLengths(int byteLength, int elements, int bytesPerElement)
    {
        if ((long)elements * bytesPerElement != byteLength)
        {
            throw new ArgumentException(
                $"The byte buffer holds {byteLength} bytes, but {elements} elements of {bytesPerElement} bytes need {(long)elements * bytesPerElement}.");
        }
    }
}
