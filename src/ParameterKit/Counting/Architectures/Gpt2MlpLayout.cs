using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>GPT-2's MLP parameters: <c>c_fc</c> (4C x C) and <c>c_proj</c> (C x 4C).</summary>
public sealed class Gpt2MlpLayout : Module
{
    internal Gpt2MlpLayout(ParameterScope scope, int channels)
        : base(scope)
    {
        Expand = new Linear(Scope.Scope("c_fc"), channels, 4 * channels);
        Project = new Linear(Scope.Scope("c_proj"), 4 * channels, channels);
    }

    /// <summary><c>c_fc</c>: C → 4C.</summary>
    public Linear Expand { get; }

    /// <summary><c>c_proj</c>: 4C → C.</summary>
    public Linear Project { get; }
}
