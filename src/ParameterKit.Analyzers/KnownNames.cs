namespace ParameterKit.Analyzers;

/// <summary>
/// Fully qualified names of the ParameterKit types the rules look for. The rules compare names instead of resolving
/// symbols once per compilation, so a rule keeps working when a type is declared in the compilation itself (the
/// analyzer tests' stand-ins) and stays silent in a project that does not reference ParameterKit at all.
/// </summary>
internal static class KnownNames
{
    public const string Module = "ParameterKit.Modules.Module";
    public const string Layer = "ParameterKit.Modules.Layer";
    public const string ElementwiseLayer = "ParameterKit.Modules.ElementwiseLayer";
    public const string Sequential = "ParameterKit.Modules.Sequential";
    public const string Linear = "ParameterKit.Modules.Linear";

    public const string Parameter = "ParameterKit.Parameters.Parameter";
    public const string Weight = "ParameterKit.Parameters.Weight";
    public const string Embedding = "ParameterKit.Parameters.Embedding";
    public const string ParameterScope = "ParameterKit.Parameters.ParameterScope";
    public const string ParameterStore = "ParameterKit.Parameters.ParameterStore";
    public const string Init = "ParameterKit.Parameters.Initializers.Init";
    public const string Initializer = "ParameterKit.Parameters.Initializers.Initializer";

    public const string Optimizer = "ParameterKit.Training.Optimizer";
    public const string GradientClipping = "ParameterKit.Training.GradientClipping";
    public const string LearningRateSchedule = "ParameterKit.Training.Schedules.LearningRateSchedule";

    public const string LoraAdapters = "ParameterKit.Adapters.LoraAdapters";
    public const string LoraOptions = "ParameterKit.Adapters.LoraOptions";
    public const string Gpt2Model = "ParameterKit.Models.Gpt2.Gpt2Model";
    public const string Gpt2Config = "ParameterKit.Models.Gpt2.Gpt2Config";
    public const string LlamaModel = "ParameterKit.Models.Llama.LlamaModel";
    public const string LlamaConfig = "ParameterKit.Models.Llama.LlamaConfig";

    public const string SafeTensorsFile = "ParameterKit.SafeTensors.SafeTensorsFile";

    public const string RootNamespace = "ParameterKit";
}
