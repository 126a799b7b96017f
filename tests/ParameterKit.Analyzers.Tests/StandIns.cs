using ParameterKit.Parameters;

namespace ParameterKit.Analyzers.Tests;

/// <summary>
/// Minimal source stand-ins for ParameterKit types that are not yet in the referenced assembly: the training API and
/// the safetensors reader are being written on other branches. The rules match these types by their full names, so
/// the same tests run against the real types as soon as they land (a stand-in is added only while its type is missing).
/// The snippets use only members both agree on.
/// </summary>
internal static class StandIns
{
    /// <summary>A user module with a backward pass, for the training-loop snippets.</summary>
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

    private const string Training = """
        namespace ParameterKit.Training
        {
            public abstract class Optimizer
            {
                public double LearningRate { get; set; }
                public abstract void Step();
                public void ZeroGradients() { }
            }

            public static class GradientClipping
            {
                public static float ClipByGlobalNorm(ParameterKit.Parameters.ParameterStore store, float maxNorm) => maxNorm;
                public static void ClipByValue(ParameterKit.Parameters.ParameterStore store, float limit) { }
            }
        }

        namespace ParameterKit.Training.Schedules
        {
            public abstract class LearningRateSchedule
            {
                public abstract double At(long step);
            }
        }
        """;

    private const string SafeTensors = """
        namespace ParameterKit.SafeTensors
        {
            public sealed class SafeTensorInfo { }

            public sealed class SafeTensorsFile : System.IDisposable
            {
                public static SafeTensorsFile Open(string path) => new SafeTensorsFile();
                public System.ReadOnlySpan<byte> GetBytes(string name) => default;
                public SafeTensorInfo GetTensor(string name) => new SafeTensorInfo();
                public System.ReadOnlyMemory<byte> GetMemory(SafeTensorInfo tensor) => default;
                public float[] ReadSingles(string name) => new float[1];
                public void Dispose() { }
            }
        }
        """;

    public static IEnumerable<(string Name, string Source)> Missing()
    {
        var library = typeof(ParameterStore).Assembly;
        if (library.GetType("ParameterKit.Training.Optimizer") is null)
        {
            yield return ("TrainingStandIns.cs", Training);
        }
        if (library.GetType("ParameterKit.SafeTensors.SafeTensorsFile") is null)
        {
            yield return ("SafeTensorsStandIns.cs", SafeTensors);
        }
    }
}
