using System.Globalization;

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
/// </remarks>
internal static class BlockFolding
{
    /// <summary>Folds <paramref name="parameters"/> (in any order) into layer rows, in order of first appearance.</summary>
    /// <param name="parameters">Each parameter's name, shape text and element count.</param>
    public static IReadOnlyList<LayerRow> Fold(IEnumerable<(string Name, string Shape, long Elements)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var order = new List<string>();                          // row keys (module paths and families) in first-seen order
        var modules = new Dictionary<string, long>(StringComparer.Ordinal);
        var families = new Dictionary<string, SortedDictionary<long, Block>>(StringComparer.Ordinal);

        foreach ((string name, string shape, long elements) in parameters)
        {
            if (TrySplitBlock(name, out string family, out long index, out string rest))
            {
                if (!families.TryGetValue(family, out var blocks))
                {
                    families[family] = blocks = [];
                    order.Add(family);
                }
                if (!blocks.TryGetValue(index, out Block? block))
                {
                    blocks[index] = block = new Block();
                }
                block.Add(rest, shape, elements);
            }
            else
            {
                int dot = name.LastIndexOf('.');
                string module = dot > 0 ? name[..dot] : name;
                if (!modules.ContainsKey(module) && !families.ContainsKey(module))
                {
                    order.Add(module);
                }
                modules[module] = modules.GetValueOrDefault(module) + elements;
            }
        }

        var rows = new List<LayerRow>();
        foreach (string key in order)
        {
            if (families.TryGetValue(key, out var blocks))
            {
                FoldFamily(key, blocks, rows);
            }
            else
            {
                rows.Add(new LayerRow(key, key, null, null, 1, modules[key]));
            }
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
            if (runBlock is not null && index == runEnd + 1 && block.Signature == runBlock.Signature)
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

    /// <summary>Splits <c>a.b.12.c.d</c> into family <c>a.b</c>, index 12 and rest <c>c.d</c>.</summary>
    internal static bool TrySplitBlock(string name, out string family, out long index, out string rest)
    {
        string[] segments = name.Split('.');
        // The last segment is the leaf (weight, bias); a number there is a name, not a block index.
        for (int i = 0; i < segments.Length - 1; i++)
        {
            if (segments[i].Length > 0 && segments[i].All(char.IsAsciiDigit)
                && long.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                family = string.Join('.', segments[..i]);
                rest = string.Join('.', segments[(i + 1)..]);
                return true;
            }
        }
        family = rest = "";
        index = 0;
        return false;
    }

    /// <summary>One block's tensors, reduced to what decides whether two blocks are the same.</summary>
    private sealed class Block
    {
        private readonly SortedDictionary<string, string> _tensors = new(StringComparer.Ordinal);
        private string? _signature;

        public long Elements { get; private set; }

        public string Signature => _signature ??= string.Join(';', _tensors.Select(t => t.Key + t.Value));

        public void Add(string rest, string shape, long elements)
        {
            _tensors[rest] = shape;
            Elements += elements;
            _signature = null;
        }
    }
}
