using ParameterKit.Counting;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Adapters;

/// <summary>
/// LoRA adapters attached to a model: the base model's parameters frozen, and beside each chosen <see cref="Linear"/>
/// layer a <see cref="LoraAdapter"/> whose A (r x C) and B (OC x r) live in a store of their own, <see cref="Store"/>.
/// </summary>
/// <remarks>
/// <para>The adapters' own store is what makes fine-tuning cheap: an optimizer built over it keeps moments for the
/// adapters alone, a training checkpoint of it holds the adapters and their optimizer state alone, and the base model
/// may stay exactly as it was loaded. <see cref="Count"/> adds both stores, as PEFT's
/// <c>print_trainable_parameters()</c> does.</para>
/// <para>Files follow PEFT: <see cref="Save"/> writes <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> with
/// PEFT's tensor names, and <see cref="Load"/> reads PEFT's files (or this library's) back.</para>
/// </remarks>
/// <example><code>
/// var model = Gpt2Model.Load("gpt2");
/// var lora = LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["c_attn"] });
/// Console.WriteLine(lora.Count().ToTrainableLine()); // trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364
/// var trainer = new Trainer&lt;int[]&gt;(new Gpt2LanguageModelTask(model), new AdamW(lora.Store, 2e-4));
/// </code></example>
public sealed class LoraAdapters
{
    private readonly LoraAdapter[] _adapters;

    private LoraAdapters(ParameterStore baseStore, LoraOptions options, List<Linear> targets)
    {
        BaseStore = baseStore;
        Options = options;
        Layout = PeftLayout.For(baseStore);
        Store = new ParameterStore();
        foreach (var target in targets)
        {
            if (target.Adapter is not null)
            {
                throw new InvalidOperationException($"'{target.Path}' already has a LoRA adapter; detach it before attaching another.");
            }
        }
        _adapters = new LoraAdapter[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            Linear target = targets[i];
            ParameterScope scope = ScopeOf(Store, target.Path);
            // PEFT: kaiming_uniform_(A, a=√5), fan-in C, which is the default of an adapter matrix; B zeros.
            AdapterWeight a = scope.Scope("lora_A").AdapterWeight(options.Rank, target.InChannels);
            AdapterWeight b = scope.Scope("lora_B").AdapterWeight(target.OutChannels, options.Rank, init: Init.Zeros);
            ulong dropoutSeed = SeededRandom.ForName(options.Seed, target.Path + ".lora_dropout").NextUInt64();
            _adapters[i] = new LoraAdapter(target, a, b, (float)options.Scale, (float)options.Dropout, dropoutSeed);
            // Registered in the adapters' store, so a training checkpoint of it finds the dropout counters to save.
            Store.RegisterModule(target.Path, nameof(LoraAdapter), _adapters[i]);
        }
        for (int i = 0; i < targets.Count; i++)
        {
            targets[i].Adapter = _adapters[i];
        }
        // PEFT's bias = "none": every parameter of the base model stays fixed; only the adapters train.
        baseStore.Freeze("*");
    }

    /// <summary>The adapters' own store: A and B of every adapter, named <c>{layer}.lora_A.weight</c> and <c>{layer}.lora_B.weight</c>.</summary>
    public ParameterStore Store { get; }

    /// <summary>The adapted model's store, every parameter frozen.</summary>
    public ParameterStore BaseStore { get; }

    /// <summary>The options the adapters were made (or loaded) with.</summary>
    public LoraOptions Options { get; }

    /// <summary>The adapters, in the order of the layers they adapt.</summary>
    public IReadOnlyList<LoraAdapter> Adapters => _adapters;

    /// <summary>How the adapted model's layers are named in PEFT's files.</summary>
    internal PeftLayout Layout { get; }

    /// <summary>
    /// Declares adapters on the linear layers of <paramref name="baseStore"/> that <paramref name="options"/> targets and
    /// freezes the base, without allocating any value: enough to count (see <see cref="Count"/>). Call
    /// <see cref="Materialize"/> to make them runnable.
    /// </summary>
    /// <param name="baseStore">The model's store (declared, materialized or not).</param>
    /// <param name="options">Targets, rank, α, dropout.</param>
    /// <returns>The declared adapters.</returns>
    /// <exception cref="LoraAdapterException">A target pattern matches no linear layer.</exception>
    /// <exception cref="ArgumentException">No target module is named, or a pattern is empty; or (its subclass
    /// <see cref="ArgumentOutOfRangeException"/>) an option is out of range (see <see cref="LoraOptions.Validate"/>).</exception>
    /// <exception cref="InvalidOperationException">A targeted layer already has an adapter.</exception>
    /// <example><code>
    /// var lora = LoraAdapters.Declare(Gpt2Config.Small.Declare(), new LoraOptions { Rank = 8, TargetModules = ["c_attn"] });
    /// long trainable = lora.Count().Trainable; // 294,912, and nothing allocated
    /// </code></example>
    public static LoraAdapters Declare(ParameterStore baseStore, LoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseStore);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new LoraAdapters(baseStore, options, LoraTargets.Select(baseStore, options.TargetModules));
    }

    /// <summary>
    /// Attaches adapters to the targeted linear layers of a materialized model, freezes the base, and initializes them as
    /// PEFT does (A Kaiming uniform from <see cref="LoraOptions.Seed"/>, B zeros): the adapted model's output starts
    /// equal to the base model's.
    /// </summary>
    /// <param name="baseStore">The model's store.</param>
    /// <param name="options">Targets, rank, α, dropout, seed.</param>
    /// <returns>The attached, initialized adapters.</returns>
    /// <exception cref="LoraAdapterException">A target pattern matches no linear layer.</exception>
    /// <exception cref="ArgumentException">No target module is named, or a pattern is empty; or (its subclass
    /// <see cref="ArgumentOutOfRangeException"/>) an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">A targeted layer already has an adapter.</exception>
    public static LoraAdapters Attach(ParameterStore baseStore, LoraOptions options)
    {
        var adapters = Declare(baseStore, options);
        adapters.Materialize();
        return adapters;
    }

    /// <summary>Allocates the adapters' values and gradients and initializes them from <see cref="LoraOptions.Seed"/>.</summary>
    /// <exception cref="InvalidOperationException">Already materialized.</exception>
    public void Materialize() => Store.Materialize(Options.Seed);

    /// <summary>
    /// The counts of the adapted model: the base's parameters (frozen) and the adapters' (trainable, of kind
    /// <see cref="ParameterKind.Adapter"/>). <see cref="ParameterCounts.ToTrainableLine"/> formats PEFT's line.
    /// Allocates nothing.
    /// </summary>
    /// <returns>Base plus adapters.</returns>
    public ParameterCounts Count() => BaseStore.Count() + Store.Count();

    /// <summary>
    /// A torchinfo-style summary of the adapted model: the base model's rows with each adapter under the layer it
    /// adapts, the adapters as a kind of their own, and the trainable and frozen values of every kind. See
    /// <see cref="ModelSummary.OfAdapted"/>.
    /// </summary>
    /// <param name="depth">Deepest path level to list.</param>
    public ModelSummary Summary(int depth = 2) => ModelSummary.OfAdapted(this, depth);

    /// <summary>Folds every adapter into its layer's weight (<c>W += s·B·A</c>); see <see cref="LoraAdapter.Merge"/>.</summary>
    /// <exception cref="InvalidOperationException">An adapter is already merged, a weight is held in half precision or
    /// Q8_0, or an adapted weight is tied to another parameter (a tied <c>lm_head</c>); nothing is merged then.</exception>
    public void Merge()
    {
        // All or nothing: a refusal found at the fifth adapter must not leave the first four merged.
        foreach (var adapter in _adapters)
        {
            adapter.ThrowIfCannotMerge();
        }
        foreach (var adapter in _adapters)
        {
            adapter.Merge();
        }
    }

    /// <summary>Undoes <see cref="Merge"/> for every adapter.</summary>
    /// <exception cref="InvalidOperationException">An adapter is not merged; nothing is unmerged then.</exception>
    public void Unmerge()
    {
        // All or nothing, as Merge: one adapter unmerged by hand must not leave the others unmerged and this one refused.
        foreach (var adapter in _adapters)
        {
            adapter.ThrowIfCannotUnmerge();
        }
        foreach (var adapter in _adapters)
        {
            adapter.Unmerge();
        }
    }

    /// <summary>
    /// Removes the adapters from their layers (the model computes its base output again); the base stays frozen and the
    /// adapters keep their values, so they can still be saved.
    /// </summary>
    /// <exception cref="InvalidOperationException">An adapter is merged: unmerge first, or the weights keep its change.</exception>
    public void Detach()
    {
        if (_adapters.Any(a => a.IsMerged))
        {
            throw new InvalidOperationException("Unmerge the adapters before detaching them: merged weights would keep their change.");
        }
        foreach (var adapter in _adapters)
        {
            if (ReferenceEquals(adapter.Target.Adapter, adapter))
            {
                adapter.Target.Adapter = null;
            }
        }
    }

    /// <summary>
    /// Writes the adapters as PEFT does: <c>adapter_config.json</c> and <c>adapter_model.safetensors</c>
    /// (<c>base_model.model.transformer.h.0.attn.c_attn.lora_A.weight</c>, r x C, and <c>.lora_B.weight</c>, OC x r, for
    /// GPT-2), each written atomically; PEFT's <c>PeftModel.from_pretrained</c> reads them.
    /// </summary>
    /// <param name="folder">The folder to write into (created when missing).</param>
    /// <exception cref="InvalidOperationException">The adapters are not materialized.</exception>
    public void Save(string folder) => PeftAdapterFiles.Save(this, folder);

    /// <summary>
    /// Reads a PEFT LoRA adapter (<c>adapter_config.json</c> and <c>adapter_model.safetensors</c>, from PEFT or from
    /// <see cref="Save"/>) and attaches it to the model of <paramref name="baseStore"/>, freezing the base.
    /// </summary>
    /// <param name="baseStore">The materialized model to adapt.</param>
    /// <param name="folder">The folder holding both files.</param>
    /// <returns>The attached adapters, with the file's values and the config's rank, α, dropout and rsLoRA flag.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="FormatException"><c>adapter_config.json</c> is not a LoRA config this library reads.</exception>
    /// <exception cref="LoraAdapterException">A tensor or target names a layer the model lacks, a tensor is missing, or a
    /// shape differs from what the layer and rank require (the message names the tensor and both shapes).</exception>
    public static LoraAdapters Load(ParameterStore baseStore, string folder) => PeftAdapterFiles.Load(baseStore, folder);

    /// <summary>Attaches adapters to exactly <paramref name="targets"/> and allocates them without initializing (a load fills them).</summary>
    internal static LoraAdapters AttachForLoading(ParameterStore baseStore, LoraOptions options, List<Linear> targets)
    {
        var adapters = new LoraAdapters(baseStore, options, targets);
        adapters.Store.MaterializeForLoading();
        return adapters;
    }

    private static ParameterScope ScopeOf(ParameterStore store, string path)
    {
        ParameterScope scope = store.Root;
        foreach (string segment in path.Split('.'))
        {
            scope = scope.Scope(segment);
        }
        return scope;
    }
}
