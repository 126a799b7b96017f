using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// Groups parameters into layer rows and folds runs of identical repeated blocks, so GPT-2's twelve blocks read
/// as one line, <c>h.0 .. h.11 x 12: 7,087,872 each</c>, instead of 148 tensor lines.
/// </summary>
/// <remarks>
/// <para>
/// A name's first all-digit segment marks a repeated block: <c>h.3.attn.c_attn.weight</c> is block 3 of family
/// <c>h</c>, <c>model.layers.7.mlp.up_proj.weight</c> block 7 of <c>model.layers</c>. Other tensors are grouped by
/// their module (the name without its last segment: <c>wte</c>, <c>ln_f</c>, <c>model.norm</c>).
/// </para>
/// <para>
/// Blocks of a family are taken in numeric order (headers list names as strings, so <c>h.10</c> comes before
/// <c>h.2</c>), and consecutive blocks fold only when their <i>signatures</i> agree: the same tensor names within
/// the block, with the same shapes and counts. A model whose layers differ (a wider first layer, alternating
/// dense and mixture-of-experts blocks) therefore shows each distinct run on its own row instead of a misleading
/// average.
/// </para>
/// <para>
/// The cost is bounded whatever the header holds: names arrive as characters (no string per tensor), a block keeps
/// a fixed-size signature (two sums of per-tensor hashes, order-independent, plus its tensor and value counts)
/// rather than its tensors, and at most <see cref="MaxGroups"/> modules and blocks are tracked. Tensors past that
/// are summed into one last row, so the rows still add up to the total. Two blocks whose hashes collided would fold
/// though different; they must also agree in tensor and value counts, so even then every total stays exact.
/// </para>
/// </remarks>
internal sealed class BlockFolding
{
    /// <summary>
    /// The most modules and blocks tracked: far beyond any model (a 1,000-layer model has about a thousand), and
    /// small enough that a header of millions of one-tensor modules costs a few megabytes here.
    /// </summary>
    public const int MaxGroups = 100_000;

    private readonly List<(string Key, bool Family)> _order = [];    // row keys in first-seen order
    private readonly Dictionary<string, long> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<long, Block>> _families = new(StringComparer.Ordinal);
    private int _groups;
    private long _ungroupedTensors, _ungroupedElements;

    /// <summary>Folds <paramref name="parameters"/> (in any order) into layer rows, in order of first appearance.</summary>
    /// <param name="parameters">Each parameter's name, shape text and element count.</param>
    public static IReadOnlyList<LayerRow> Fold(IEnumerable<(string Name, string Shape, long Elements)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var folding = new BlockFolding();
        foreach ((string name, string shape, long elements) in parameters)
        {
            folding.Add(name, MemoryMarshal.AsBytes(shape.AsSpan()), elements);
        }
        return folding.Rows();
    }

    /// <summary>Adds one parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="shape">Its shape in any fixed encoding (the dimensions' bytes, or the shape's text): only equality matters.</param>
    /// <param name="elements">Its element count.</param>
    public void Add(ReadOnlySpan<char> name, ReadOnlySpan<byte> shape, long elements)
    {
        if (TrySplitBlock(name, out ReadOnlySpan<char> family, out long index, out ReadOnlySpan<char> rest))
        {
            var families = _families.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!families.TryGetValue(family, out SortedDictionary<long, Block>? blocks))
            {
                if (_groups >= MaxGroups)
                {
                    Ungrouped(elements);
                    return;
                }
                string key = family.ToString();
                _families[key] = blocks = [];
                _order.Add((key, true));
            }
            if (!blocks.TryGetValue(index, out Block? block))
            {
                if (_groups >= MaxGroups)
                {
                    Ungrouped(elements);
                    return;
                }
                blocks[index] = block = new Block();
                _groups++;
            }
            block.Add(rest, shape, elements);
            return;
        }

        int dot = name.LastIndexOf('.');
        ReadOnlySpan<char> module = dot > 0 ? name[..dot] : name;
        var modules = _modules.GetAlternateLookup<ReadOnlySpan<char>>();
        if (modules.TryGetValue(module, out long sum))
        {
            modules[module] = checked(sum + elements);
        }
        else if (_groups >= MaxGroups)
        {
            Ungrouped(elements);
        }
        else
        {
            string key = module.ToString();
            _modules[key] = elements;
            _order.Add((key, false));
            _groups++;
        }
    }

    private void Ungrouped(long elements)
    {
        _ungroupedTensors++;
        _ungroupedElements = checked(_ungroupedElements + elements);
    }

    /// <summary>The layer rows, in order of first appearance, runs of identical blocks folded.</summary>
    public IReadOnlyList<LayerRow> Rows()
    {
        var rows = new List<LayerRow>();
        foreach ((string key, bool family) in _order)
        {
            if (family)
            {
                FoldFamily(key, _families[key], rows);
            }
            else
            {
                rows.Add(new LayerRow(key, key, null, null, 1, _modules[key]));
            }
        }
        if (_ungroupedTensors > 0)
        {
            rows.Add(new LayerRow(
                $"... {_ungroupedTensors.ToString("N0", CultureInfo.InvariantCulture)} more tensors, past the first {MaxGroups.ToString("N0", CultureInfo.InvariantCulture)} modules and blocks",
                "", null, null, 1, _ungroupedElements));
        }
        return rows;
    }

    private static void FoldFamily(string family, SortedDictionary<long, Block> blocks, List<LayerRow> rows)
    {
        long? runStart = null, runEnd = null;
        Block? runBlock = null;
        int runLength = 0;
        foreach ((long index, Block block) in blocks)
        {
            // A run continues only with the next index and an identical block: a gap in the numbering or a
            // different layout starts a new row.
            if (runBlock is not null && index == runEnd + 1 && block.SameAs(runBlock))
            {
                runEnd = index;
                runLength++;
                continue;
            }
            Flush();
            runStart = runEnd = index;
            runBlock = block;
            runLength = 1;
        }
        Flush();

        void Flush()
        {
            if (runBlock is null)
            {
                return;
            }
            string first = Label(family, runStart!.Value), last = Label(family, runEnd!.Value);
            string label = runLength == 1 ? first : $"{first} .. {last}";
            rows.Add(new LayerRow(label, family, runStart, runEnd, runLength, runBlock.Elements));
        }
    }

    private static string Label(string family, long index) =>
        family.Length == 0 ? index.ToString(CultureInfo.InvariantCulture) : $"{family}.{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The characters of a block index. A <see cref="SearchValues{T}"/> rather than
    /// <c>ContainsAnyExceptInRange('0', '9')</c>: until the JIT optimizes the caller, that generic call boxes its
    /// bounds, four allocations per segment, which doubled <c>inspect</c>'s allocations on a header of millions
    /// of names whenever the optimized code came late (a busy machine).
    /// </summary>
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    /// <summary>Splits <c>a.b.12.c.d</c> into family <c>a.b</c>, index 12 and rest <c>c.d</c>.</summary>
    internal static bool TrySplitBlock(ReadOnlySpan<char> name, out ReadOnlySpan<char> family, out long index, out ReadOnlySpan<char> rest)
    {
        // The last segment is the leaf (weight, bias); a number there is a name, not a block index.
        for (int start = 0, dot; (dot = name[start..].IndexOf('.')) >= 0; start += dot + 1)
        {
            ReadOnlySpan<char> segment = name.Slice(start, dot);
            // Digits only: long.TryParse alone would also take trailing NUL characters ("12\0").
            if (segment.Length > 0 && !segment.ContainsAnyExcept(Digits)
                && long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                family = start == 0 ? [] : name[..(start - 1)];
                rest = name[(start + dot + 1)..];
                return true;
            }
        }
        family = rest = [];
        index = 0;
        return false;
    }

    /// <summary>One block, reduced to what decides whether two blocks are the same, in a fixed size.</summary>
    private sealed class Block
    {
        private ulong _sum, _mixedSum;
        private int _tensors;

        public long Elements { get; private set; }

        public bool SameAs(Block other) =>
            _sum == other._sum && _mixedSum == other._mixedSum && _tensors == other._tensors && Elements == other.Elements;

        /// <summary>
        /// Adds a tensor's (name within the block, shape) to the signature. Sums do not depend on the order tensors
        /// arrive in, and <see cref="HashCode"/> is seeded per process, so a header cannot be crafted to collide.
        /// </summary>
        public void Add(ReadOnlySpan<char> rest, ReadOnlySpan<byte> shape, long elements)
        {
            ulong hash = ((ulong)(uint)Hash(1, rest, shape) << 32) | (uint)Hash(2, rest, shape);
            _sum = unchecked(_sum + hash);
            _mixedSum = unchecked(_mixedSum + Mix(hash));
            _tensors++;
            Elements = checked(Elements + elements);
        }

        private static int Hash(int salt, ReadOnlySpan<char> rest, ReadOnlySpan<byte> shape)
        {
            var hash = new HashCode();
            hash.Add(salt);
            hash.AddBytes(MemoryMarshal.AsBytes(rest));
            hash.Add(rest.Length);
            hash.AddBytes(shape);
            hash.Add(shape.Length);
            return hash.ToHashCode();
        }

        /// <summary>SplitMix64's finalizer: a second, non-linear view of the hash, so two sums must agree.</summary>
        private static ulong Mix(ulong z)
        {
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }
    }
}
