using System.Text;
using ParameterKit.Adapters;
using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tokenization;
using ParameterKit.Transformers;

namespace ParameterKit.Fuzz;

/// <summary>
/// What each fuzz target does with one input, and the only exceptions it may end with. Anything else escaping a
/// target is a finding: AFL records the input as a crash (as it does a hang past its timeout, and an allocation
/// past the heap limit fuzz.sh sets), and <c>FuzzFindingsTests</c> replays the committed ones. Each target returns
/// whether the input was read in full (no typed error), so a test can tell a target that reads its format from one that
/// refuses everything.
/// </summary>
public static class FuzzTargets
{
    /// <summary>
    /// The conversation every chat template renders: the roles real templates branch on. Made per call, not in a static
    /// field: instrumented library code (a record's constructor included) must not run before SharpFuzz has set up
    /// AFL's coverage map, and static initializers run when <see cref="All"/> is first read.
    /// </summary>
    private static ChatTemplateMessage[] Conversation() =>
    [
        new("system", "Be brief."),
        new("user", "hi"),
        new("assistant", "hello"),
        new("user", "bye"),
    ];

    /// <summary>Called with each typed refusal (replay prints them, to tell why an input was refused); null while fuzzing.</summary>
    public static Action<Exception>? OnRefused { get; set; }

    /// <summary>The targets by name (the name is fuzz.sh's first argument and a folder of seeds/ and findings/).</summary>
    public static IReadOnlyDictionary<string, Func<byte[], bool>> All { get; } = new Dictionary<string, Func<byte[], bool>>(StringComparer.Ordinal)
    {
        ["safetensors"] = SafeTensorsFile,
        ["index"] = Index,
        ["gguf"] = Gguf,
        ["config"] = Config,
        ["chat-template"] = ChatTemplateText,
        ["tokenizer-json"] = TokenizerJson,
        ["adapter-config"] = AdapterConfig,
        ["adapter-weights"] = AdapterWeights,
        ["tokenizer-config"] = TokenizerConfigJson,
        ["spm-tokenizer-config"] = SentencePieceTokenizerConfigJson,
        ["generation-config"] = GenerationConfigJson,
    };

    /// <summary>A safetensors file: its header parsed, then everything an accepted header makes on demand.</summary>
    public static bool SafeTensorsFile(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Expect<SafeTensorsFormatException>(() =>
        {
            SafeTensorsHeader header = SafeTensorsHeader.Parse(input, (ulong)input.Length, "fuzz.safetensors");
            foreach (SafeTensorInfo t in header.Tensors)
            {
                Same(t.ToString(), header.GetTensor(t.Name).ToString());
                Same(t.Rank, t.Dimensions.Length);
            }
            _ = header.Metadata?.Count;
        });
    }

    /// <summary>A <c>model.safetensors.index.json</c>, parsed strictly and leniently.</summary>
    public static bool Index(byte[] input)
    {
        bool strict = Expect<SafeTensorsFormatException>(() => SafeTensorsIndex.Parse(input, "fuzz.index.json"));
        bool lenient = Expect<SafeTensorsFormatException>(() => SafeTensorsIndex.Parse(input, "fuzz.index.json", lenient: true));
        return strict || lenient;
    }

    /// <summary>
    /// A GGUF file: parsed in memory; then, from a file, memory-mapped with every tensor's bytes touched and the
    /// small ones dequantized, the model configuration read and the tokenizer built and used.
    /// </summary>
    public static bool Gguf(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool parsed = Expect<GgufFormatException>(() =>
        {
            GgufHeader header = GgufHeader.Parse(input, "fuzz.gguf");
            foreach (GgufTensorInfo t in header.Tensors)
            {
                Same(t, header.GetTensor(t.Name));
            }
            foreach (GgufMetadataEntry entry in header.Metadata.Entries)
            {
                _ = header.Metadata.GetValue(entry.Key);
            }
        });
        using var file = new ScratchFile("fuzz.gguf", input);
        GgufFile? gguf = null;
        Expect<GgufFormatException>(() => gguf = GgufFile.Open(file.Path));
        if (gguf is null)
        {
            return false;
        }
        using (gguf)
        {
            foreach (GgufTensorInfo t in gguf.Tensors)
            {
                ReadOnlySpan<byte> view = gguf.GetBytes(t);
                Same(t.ByteLength, (ulong)view.Length);
                if (view.Length > 0)
                {
                    _ = view[0] + view[^1];
                }
                if (GgufTensorTypes.CanDequantize(t.Type) && t.ElementCount < 1 << 16)
                {
                    gguf.DequantizeToSingle(t, new float[t.ElementCount]);
                }
            }
            bool configured = Expect<GgufFormatException, ModelConfigException>(() => GgufArchitectures.ReadConfig(gguf));
            if (configured)
            {
                // The model the settings describe, loaded from the file's tensors (float32 and 8-bit): what a hostile
                // file can make the loader allocate or read is bounded by what it holds.
                foreach (ModelLoadOptions options in (ModelLoadOptions[])[ModelLoadOptions.Default, new() { Quantization = WeightQuantization.Q8_0 }])
                {
                    configured &= Expect<GgufFormatException, ModelConfigException, CheckpointLoadException>(() =>
                    {
                        using ICausalLanguageModel model = CausalLanguageModel.LoadGguf(file.Path, options);
                        // One token through the loaded model: whatever values the file holds (NaN, huge), a pass runs.
                        KvCache cache = model.CreateCache(Math.Min(model.ContextLength, 4));
                        model.ForwardCached([0], cache, new float[model.VocabularySize]);
                    });
                }
            }
            bool tokenized = Expect<GgufFormatException, TokenizerFormatException, ChatTemplateException>(() =>
            {
                ModelTokenizer tokenizer = ModelTokenizer.FromGguf(gguf);
                _ = tokenizer.Decode(tokenizer.Encode("hi there, hi! 123 ünï"));
                if (tokenizer.ChatTemplate is not null)
                {
                    _ = tokenizer.ApplyChatTemplate(Conversation());
                }
            });
            return parsed && configured && tokenized;
        }
    }

    /// <summary>A <c>config.json</c>, read as GPT-2's and as the Llama family's.</summary>
    public static bool Config(byte[] input)
    {
        bool gpt2 = Expect<ModelConfigException>(() => Gpt2ConfigJson.Parse(input, "fuzz.config.json"));
        bool llama = Expect<ModelConfigException>(() => LlamaConfigJson.Parse(input, "fuzz.config.json"));
        return gpt2 || llama;
    }

    /// <summary>A chat template: parsed, then rendered for a short conversation with and without a generation prompt.</summary>
    public static bool ChatTemplateText(byte[] input)
    {
        string source = Encoding.UTF8.GetString(input);
        return Expect<ChatTemplateException>(() =>
        {
            var template = ChatTemplate.Parse(source, "fuzz.jinja", () => new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Local));
            ChatTemplateMessage[] conversation = Conversation();
            _ = template.Render(conversation, addGenerationPrompt: true, bosToken: "<s>", eosToken: "</s>");
            _ = template.Render(conversation[1..2], addGenerationPrompt: false);
        });
    }

    /// <summary>A <c>tokenizer.json</c> in a model folder: the tokenizer built, then used to encode and decode.</summary>
    public static bool TokenizerJson(byte[] input)
    {
        using var folder = new ScratchFile("tokenizer.json", input);
        return Expect<TokenizerFormatException, ChatTemplateException>(() =>
        {
            ModelTokenizer tokenizer = ModelTokenizer.FromFolder(folder.Folder);
            _ = tokenizer.Decode(tokenizer.Encode("hi there, hi! 123 ünï"));
        });
    }

    /// <summary>
    /// A PEFT <c>adapter_config.json</c>, beside valid LoRA weights for a two-layer GPT-2 (rank 4 on <c>c_attn</c> and
    /// <c>c_fc</c>): loaded onto the model, then used (see <see cref="UseAdapters"/>).
    /// </summary>
    public static bool AdapterConfig(byte[] input)
    {
        using var folder = new ScratchFile(AdapterConfigFile, input);
        return LoadAdapters(folder.Folder, keep: AdapterConfigFile);
    }

    /// <summary>A PEFT <c>adapter_model.safetensors</c>, beside a valid config for the same model: loaded, then used.</summary>
    public static bool AdapterWeights(byte[] input)
    {
        using var folder = new ScratchFile(AdapterWeightsFile, input);
        return LoadAdapters(folder.Folder, keep: AdapterWeightsFile);
    }

    // PEFT's file names, as LoraAdapters.Save writes them.
    private const string AdapterConfigFile = "adapter_config.json";
    private const string AdapterWeightsFile = "adapter_model.safetensors";

    /// <summary>The model adapters are fuzzed against: GPT-2's layout, small enough for thousands of runs a minute.</summary>
    private static Gpt2Model AdapterBase() => Gpt2Model.Create(new Gpt2Config(64, 16, 24, 2, 3), seed: 1);

    /// <summary>Writes a valid adapter folder for <see cref="AdapterBase"/> around the fuzzed file <paramref name="keep"/>, then loads it.</summary>
    private static bool LoadAdapters(string folder, string keep)
    {
        using Gpt2Model model = AdapterBase();
        // The other file of the pair comes from a real save (moved aside first, so the fuzzed file is not overwritten).
        string fuzzed = Path.Combine(folder, keep), aside = fuzzed + ".input";
        File.Move(fuzzed, aside);
        LoraAdapters.Attach(model.Store, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = ["c_attn", "c_fc"], Seed = 1 }).Save(folder);
        File.Move(aside, fuzzed, overwrite: true);
        using Gpt2Model fresh = AdapterBase();
        LoraAdapters? adapters = null;
        bool loaded = Expect<FormatException, LoraAdapterException, SafeTensorsFormatException>(() => adapters = LoraAdapters.Load(fresh.Store, folder));
        if (adapters is not null)
        {
            UseAdapters(fresh, adapters, folder);
        }
        return loaded;
    }

    /// <summary>
    /// What a caller does with loaded adapters: a forward pass (NaN or huge values allowed), a merge and unmerge, and a
    /// save whose reload holds the same values bit for bit.
    /// </summary>
    private static void UseAdapters(Gpt2Model model, LoraAdapters adapters, string folder)
    {
        model.Forward([1, 2, 3], batch: 1, tokens: 3, new float[3 * model.Config.VocabSize]);
        if (Expect<InvalidOperationException>(adapters.Merge))
        {
            adapters.Unmerge();
        }
        string again = Path.Combine(folder, "again");
        adapters.Save(again);
        using Gpt2Model other = AdapterBase();
        LoraAdapters reloaded = LoraAdapters.Load(other.Store, again);
        Same(Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(adapters.Store.Values)),
            Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(reloaded.Store.Values)));
    }

    /// <summary>
    /// A <c>tokenizer_config.json</c> (special tokens, added tokens, chat template) beside a valid byte-level BPE
    /// <c>tokenizer.json</c>: the tokenizer built, used, and its chat template rendered when it has one.
    /// </summary>
    public static bool TokenizerConfigJson(byte[] input) => TokenizerBeside("tokenizer_config.json", input, "synthetic-gpt2-digits.tokenizer.json", "tokenizer.json");

    /// <summary>
    /// The same beside Llama 2's SentencePiece <c>tokenizer.model</c>, where <c>added_tokens_decoder</c> supplies the
    /// tokens the model lacks.
    /// </summary>
    public static bool SentencePieceTokenizerConfigJson(byte[] input) => TokenizerBeside("tokenizer_config.json", input, "llama2.tokenizer.model", "tokenizer.model");

    /// <summary>A <c>generation_config.json</c> (the ids that begin and end a sequence) beside the same tokenizer.</summary>
    public static bool GenerationConfigJson(byte[] input) => TokenizerBeside("generation_config.json", input, "synthetic-gpt2-digits.tokenizer.json", "tokenizer.json");

    private static bool TokenizerBeside(string name, byte[] input, string tokenizerResource, string tokenizerFile)
    {
        using var folder = new ScratchFile(name, input);
        using (Stream tokenizer = typeof(FuzzTargets).Assembly.GetManifestResourceStream(tokenizerResource)!)
        using (FileStream copy = File.Create(Path.Combine(folder.Folder, tokenizerFile)))
        {
            tokenizer.CopyTo(copy);
        }
        return Expect<TokenizerFormatException, ChatTemplateException>(() =>
        {
            ModelTokenizer tokenizer = ModelTokenizer.FromFolder(folder.Folder);
            IReadOnlyList<int> ids = tokenizer.Encode("hi there, hi! 123 ünï");
            _ = tokenizer.Decode(ids, skipSpecialTokens: false);
            foreach (int id in tokenizer.EndOfSequenceIds)
            {
                _ = tokenizer.IsSpecial(id);
            }
            if (tokenizer.ChatTemplate is not null)
            {
                _ = tokenizer.EncodeChat(Conversation());
            }
        });
    }

    /// <summary>Runs <paramref name="read"/>; the typed exception <typeparamref name="T"/> is an accepted outcome, anything else escapes.</summary>
    /// <returns>Whether <paramref name="read"/> finished without the typed exception.</returns>
    private static bool Expect<T>(Action read) where T : Exception => Expect(read, e => e is T);

    private static bool Expect<T1, T2>(Action read) where T1 : Exception where T2 : Exception => Expect(read, e => e is T1 or T2);

    private static bool Expect<T1, T2, T3>(Action read) where T1 : Exception where T2 : Exception where T3 : Exception =>
        Expect(read, e => e is T1 or T2 or T3);

    private static bool Expect(Action read, Func<Exception, bool> typed)
    {
        try
        {
            read();
            return true;
        }
        catch (Exception e) when (typed(e))
        {
            OnRefused?.Invoke(e);
            return false;
        }
    }

    /// <summary>An invariant of an accepted input; a violation is a finding.</summary>
    private static void Same<T>(T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new FuzzInvariantException($"expected {expected}, got {actual}");
        }
    }
}
