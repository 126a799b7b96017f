using System.Text;
using Microsoft.ML.Tokenizers;

namespace ParameterKit.Tokenization;

/// <summary>Unicode normalization form C, the <c>NFC</c> normalizer of Qwen2's <c>tokenizer.json</c>.</summary>
internal sealed class NfcNormalizer : Normalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original) => original is null ? string.Empty : original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}
