namespace ParameterKit.Parameters.Initializers;

/// <summary>
/// The fan-in and fan-out of a parameter: how many inputs feed each output and how many outputs each input
/// feeds. For a Weight of shape OC x C, fan-in is C and fan-out is OC. Variance-scaling initializers
/// (Xavier, Kaiming) use them to keep activations and gradients at a stable scale through depth.
/// </summary>
/// <param name="FanIn">Inputs per output unit (C for an OC x C weight).</param>
/// <param name="FanOut">Outputs per input unit (OC for an OC x C weight).</param>
public readonly record struct FanInfo(int FanIn, int FanOut);
