#!/usr/bin/env python3
"""Golden outputs of xoshiro256** seeded through SplitMix64, written from the published algorithms
(Blackman & Vigna, https://prng.di.unimi.it/) independently of the C# code, so SeededRandomTests can
check that ParameterKit's generator is the documented algorithm and not just self-consistent.

Run: /usr/bin/python3 make_xoshiro_golden.py > xoshiro_golden.txt
"""
MASK = (1 << 64) - 1

def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK

def xoshiro(seed, count):
    st = seed
    s = []
    for _ in range(4):
        st, v = splitmix64(st)
        s.append(v)
    out = []
    for _ in range(count):
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        out.append(result)
    return out

for seed in (0, 42, 0xDEADBEEFCAFEBABE):
    print(f"{seed:016x} " + " ".join(f"{v:016x}" for v in xoshiro(seed, 6)))
