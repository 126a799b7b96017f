using System.Globalization;

namespace SentimentChat.Text;

/// <summary>Reads the emotion ids of GoEmotions' official files (<c>text&lt;TAB&gt;ids&lt;TAB&gt;comment_id</c>).</summary>
public static class GoEmotionsOriginal
{
    /// <summary>One bit mask over <see cref="Emotions.Names"/> per line, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line lacks its id column or holds an id outside 0-27.</exception>
    public static List<uint> ReadEmotionMasks(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No GoEmotions file at '{path}'.", path);
        }
        var masks = new List<uint>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            // The text may itself be quoted, but never holds a tab: the ids are the next-to-last column.
            int last = line.LastIndexOf('\t');
            int previous = last > 0 ? line.LastIndexOf('\t', last - 1) : -1;
            if (previous < 0)
            {
                throw new DataFormatException($"{path}:{number}: expected 'text<TAB>ids<TAB>comment_id'.");
            }
            uint mask = 0;
            foreach (string id in line[(previous + 1)..last].Split(','))
            {
                if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value >= Emotions.Count)
                {
                    throw new DataFormatException($"{path}:{number}: '{id}' is not an emotion id (0-{Emotions.Count - 1}).");
                }
                mask |= 1u << value;
            }
            masks.Add(mask);
        }
        return masks;
    }
}
