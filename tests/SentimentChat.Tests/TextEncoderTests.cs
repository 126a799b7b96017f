using SentimentChat.Text;

namespace SentimentChat.Tests;

public sealed class TextEncoderTests
{
    private readonly TextEncoder _encoder = new(maxTokens: 8, bigramBuckets: 1000, charGramBuckets: 5000, maxCharGrams: 40);

    private int[] Encode(string text)
    {
        var slots = new int[_encoder.SlotsPerText];
        _encoder.Encode(text, slots);
        return slots;
    }

    private IEnumerable<int> Bag(int[] slots, int bag) => slots.Skip(_encoder.Bags[bag].Offset).Take(_encoder.Bags[bag].Length).Where(id => id >= 0);

    [Fact]
    public void EveryIdFallsInItsBagsRegionOfTheTable()
    {
        var slots = Encode("WHY was I charged TWICE??? order 55123...");
        int v = TextEncoder.VocabularySize;
        Assert.All(slots.Take(_encoder.MaxTokens).Where(id => id >= 0), id => Assert.InRange(id, 0, v - 1));
        Assert.All(slots.Skip(_encoder.MaxTokens).Take(_encoder.MaxTokens - 1).Where(id => id >= 0), id => Assert.InRange(id, v, v + 999));
        Assert.All(Bag(slots, 1), id => Assert.InRange(id, v + 1000, v + 5999));
        Assert.All(Bag(slots, 2), id => Assert.InRange(id, v + 6000, _encoder.TableRows - 1));
        Assert.Equal(_encoder.SlotsPerText, _encoder.Bags.Sum(b => b.Length));
    }

    [Fact]
    public void TyposShareMostCharacterNGramsWithTheWord()
    {
        var word = Bag(Encode("refund"), 1).ToHashSet();
        var typo = Bag(Encode("refnud"), 1).ToHashSet();
        var other = Bag(Encode("parcel"), 1).ToHashSet();
        Assert.True(word.Intersect(Bag(Encode("refunds"), 1)).Count() >= 6, "a plural keeps most n-grams");
        Assert.NotEmpty(word.Intersect(typo));
        Assert.Empty(word.Intersect(other));
    }

    [Fact]
    public void TheCharacterNGramBudgetIsRespectedAndTheRestIsPadding()
    {
        var slots = Encode(string.Concat(Enumerable.Repeat("extraordinarily ", 20)));
        Assert.Equal(_encoder.MaxCharGrams, Bag(slots, 1).Count());
        Assert.Equal(-1, Encode("hi")[_encoder.Bags[1].Offset + 39]);
    }

    [Theory]
    [InlineData("WHY is this still broken", new[] { StyleCue.ShoutedWord })]
    [InlineData("???", new[] { StyleCue.Question, StyleCue.RepeatedQuestion, StyleCue.Short, StyleCue.NoLetters })]
    [InlineData("hello??", new[] { StyleCue.Question, StyleCue.RepeatedQuestion, StyleCue.Short })]
    [InlineData("I PAID TWICE AND NOBODY CARES!!", new[] { StyleCue.Exclamation, StyleCue.RepeatedExclamation, StyleCue.ShoutedWord, StyleCue.Shouting })]
    [InlineData("great... order 55123 is late again", new[] { StyleCue.Ellipsis, StyleCue.Number })]
    [InlineData("[NAME] said it was fine, thanks for checking", new StyleCue[0])]
    public void StyleCuesAreFoundInTheTextAsWritten(string text, StyleCue[] expected)
    {
        Assert.Equal(expected, StyleCues.Of(text));
    }

    [Fact]
    public void EncodingIsDeterministicAndCaseOnlyMovesTheStyleCues()
    {
        Assert.Equal(Encode("Still not fixed"), Encode("Still not fixed"));
        var lower = Encode("still not fixed");
        var upper = Encode("STILL NOT FIXED");
        int styleStart = _encoder.Bags[2].Offset;
        Assert.Equal(lower.Take(styleStart), upper.Take(styleStart));
        Assert.NotEqual(lower.Skip(styleStart), upper.Skip(styleStart));
    }

    [Fact]
    public void WrongSlotCountsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => _encoder.Encode("hi", new int[3]));
        Assert.Contains($"Expected {_encoder.SlotsPerText} slots", error.Message, StringComparison.Ordinal);
    }
}
