using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

// bf16 is the upper half of a float32: widening zero-extends each 16-bit value to 32 bits and shifts it left by 16.
// One vpmovzxwd (with its load folded in) and one vpslld per vector of floats.

/// <summary>bf16 widening with AVX-512: 32 values per call, two zmm of floats.</summary>
internal readonly unsafe struct GemmWidenBFloat16Avx512 : IGemmHalfWiden<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(ushort* source) => (Avx512F.ConvertToVector512UInt32(Vector256.Load(source)) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(ushort* source) => Low(source + 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Even(ushort* source) => (Vector512.Load((uint*)source) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Odd(ushort* source) => (Vector512.Load((uint*)source) & Vector512.Create(0xFFFF0000u)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}

/// <summary>bf16 widening with AVX2: 16 values per call, two ymm of floats.</summary>
internal readonly unsafe struct GemmWidenBFloat16Avx2 : IGemmHalfWiden<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(ushort* source) => (Avx2.ConvertToVector256Int32(Vector128.Load(source)) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(ushort* source) => Low(source + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Even(ushort* source) => (Vector256.Load((uint*)source) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Odd(ushort* source) => (Vector256.Load((uint*)source) & Vector256.Create(0xFFFF0000u)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}

/// <summary>bf16 widening with <see cref="Vector{T}"/>: one vector of 16-bit values becomes two of floats.</summary>
internal readonly unsafe struct GemmWidenBFloat16Portable : IGemmHalfWiden<Vector<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Low(ushort* source) => Vector.AsVectorSingle(Vector.WidenLower(Vector.Load(source)) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> High(ushort* source) => Vector.AsVectorSingle(Vector.WidenUpper(Vector.Load(source)) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Even(ushort* source) => Vector.AsVectorSingle(Vector.Load((uint*)source) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Odd(ushort* source) => Vector.AsVectorSingle(Vector.Load((uint*)source) & new Vector<uint>(0xFFFF0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}
