namespace ParameterKit.Gguf;

/// <summary>The type of a GGUF metadata value, with the numbers the format stores (<c>gguf_type</c>).</summary>
public enum GgufValueType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 1,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 2,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 3,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 4,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 5,
    /// <summary>IEEE 754 single precision.</summary>
    Float32 = 6,
    /// <summary>One byte, nonzero meaning true.</summary>
    Bool = 7,
    /// <summary>A UTF-8 string: a 64-bit byte length, then the bytes (no terminator).</summary>
    String = 8,
    /// <summary>An array: the element type, a 64-bit count, then the elements.</summary>
    Array = 9,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 10,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 11,
    /// <summary>IEEE 754 double precision.</summary>
    Float64 = 12,
}
