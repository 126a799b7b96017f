namespace ParameterKit.Kernels;

/// <summary>How <see cref="GemmPlanner"/> decided to compute one call.</summary>
internal enum GemmStrategy
{
    /// <summary>Packed, cache-blocked, register-blocked: the general case (<see cref="GemmBlocked"/>).</summary>
    Blocked = 0,

    /// <summary>Matrix-vector, each output a dot product with a stored row (<see cref="GemmVector.Dot"/>).</summary>
    Dot = 1,

    /// <summary>Matrix-vector, stored rows scaled and summed (<see cref="GemmVector.Axpy"/>).</summary>
    Axpy = 2,

    /// <summary>Few columns (N &lt;= <see cref="GemmPlanner.NarrowLimit"/>): one dot product per element, nothing packed.</summary>
    Narrow = 3,
}
