using ParameterKit.Parameters;

namespace ParameterKit.Modules;

/// <summary>
/// A named part of a model. A module is built from a <see cref="ParameterScope"/>, which fixes its path and
/// the names of everything it declares; it registers itself with the scope's store, so the module tree, the
/// parameter list and the summaries are all known without reflection (and so work under NativeAOT).
/// </summary>
public abstract class Module
{
    /// <summary>Registers the module at <paramref name="scope"/>'s path.</summary>
    /// <param name="scope">Where the module lives; its parameters are declared below it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scope"/> is null.</exception>
    protected Module(ParameterScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Scope = scope;
        scope.Store.RegisterModule(scope.Path, GetType().Name, this);
    }

    /// <summary>The module's dotted path (<c>h.0.attn</c>); empty for a model at the root.</summary>
    public string Path => Scope.Path;

    /// <summary>What an error names this module by: its <see cref="Path"/>, or its type's name at the root (where the path is empty).</summary>
    internal string ErrorPath => Path.Length == 0 ? GetType().Name : Path;

    /// <summary>The store holding this module's parameters.</summary>
    public ParameterStore Store => Scope.Store;

    /// <summary>The scope the module declares its parameters and children in.</summary>
    protected ParameterScope Scope { get; }

    /// <summary>The modules directly inside this one, in construction order.</summary>
    public IEnumerable<Module> Children => Store.ModulesDirectlyBelow(Path).Cast<Module>();

    /// <summary>The parameters this module declared itself (not its children's).</summary>
    public IEnumerable<Parameter> Parameters => Store.ParametersDirectlyBelow(Path);

    /// <summary>Whether the module is in training mode (dropout active). Set for a whole tree with <see cref="SetTraining(bool)"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Switches this module and every descendant between training and evaluation mode.</summary>
    /// <param name="training">True for training (dropout active), false for evaluation.</param>
    public void SetTraining(bool training)
    {
        IsTraining = training;
        foreach (var child in Children)
        {
            child.SetTraining(training);
        }
    }

    /// <summary>Shows the path and type.</summary>
    public override string ToString() => $"{(Path.Length == 0 ? "(root)" : Path)}: {GetType().Name}";
}
