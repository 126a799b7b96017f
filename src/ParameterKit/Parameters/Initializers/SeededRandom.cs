using System.Numerics;

namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// A small, fully specified random generator (xoshiro256**, seeded through SplitMix64).
/// </summary>
/// <remarks>
/// <see cref="System.Random"/>'s seeded algorithm is an implementation detail that .NET may change, so
/// initial values would not be reproducible across runtime versions. This generator is defined by its
/// published algorithm: the same seed gives the same stream on every machine and every .NET version.
/// Normal draws use the Marsaglia polar method, computed in double and rounded once to float, so they depend
/// only on correctly rounded <see cref="Math.Sqrt"/> and <see cref="Math.Log(double)"/>.
/// </remarks>
internal struct SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        _spareNormal = 0;
        _hasSpare = false;
    }

    /// <summary>Derives an independent stream for one parameter from the model seed and the parameter's name.</summary>
    /// <remarks>Keying by name (not by declaration order) means adding a layer does not change the others' values.</remarks>
    public static SeededRandom ForName(ulong seed, string name)
    {
        // FNV-1a over UTF-16 code units: stable, simple, and independent of string.GetHashCode's per-process salt.
        ulong hash = 14695981039346656037UL;
        foreach (char ch in name)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }
        ulong mixed = seed ^ hash;
        return new SeededRandom(SplitMix64(ref mixed));
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal N(0, 1).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
