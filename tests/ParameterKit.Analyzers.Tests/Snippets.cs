namespace ParameterKit.Analyzers.Tests;

/// <summary>Sources every snippet compiles with, beside the real ParameterKit assembly.</summary>
internal static class Snippets
{
    /// <summary>
    /// A user model that is not a <c>Layer</c>, with a backward pass of its own: the training-loop rules must work for
    /// hand-written models too, and the snippets stay short.
    /// </summary>
    public const string TinyModel = """
        namespace Snippets
        {
            public sealed class TinyModel : ParameterKit.Modules.Module
            {
                public TinyModel(ParameterKit.Parameters.ParameterScope scope) : base(scope) { }
                public void Forward(float[] input, float[] output) { }
                public void Backward(float[] input, float[] outputGradient) { }
            }
        }
        """;
}
