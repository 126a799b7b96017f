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
    public static void Widen(ushort* source, out Vector512<float> low, out Vector512<float> high)
    {
        low = (Avx512F.ConvertToVector512UInt32(Vector256.Load(source)) << 16).AsSingle();
        high = (Avx512F.ConvertToVector512UInt32(Vector256.Load(source + 16)) << 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}

/// <summary>bf16 widening with AVX2: 16 values per call, two ymm of floats.</summary>
internal readonly unsafe struct GemmWidenBFloat16Avx2 : IGemmHalfWiden<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(ushort* source, out Vector256<float> low, out Vector256<float> high)
    {
        low = (Avx2.ConvertToVector256Int32(Vector128.Load(source)) << 16).AsSingle();
        high = (Avx2.ConvertToVector256Int32(Vector128.Load(source + 8)) << 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}

/// <summary>bf16 widening with <see cref="Vector{T}"/>: one vector of 16-bit values becomes two of floats.</summary>
internal readonly unsafe struct GemmWidenBFloat16Portable : IGemmHalfWiden<Vector<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(ushort* source, out Vector<float> low, out Vector<float> high)
    {
        Vector.Widen(Vector.Load(source), out Vector<uint> lo, out Vector<uint> hi);
        low = Vector.AsVectorSingle(lo << 16);
        high = Vector.AsVectorSingle(hi << 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
}
