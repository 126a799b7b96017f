using FsCheck;
using FsCheck.Fluent;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The third member: GloVe-style words, pooled pretrained vectors, and what they let it generalize to.</summary>
public sealed class WordVectorPerceptronTests
{
    [Theory]
    [InlineData("Don't CHARGE me twice!!", "do|not|charge|me|twice|!|!")]
    [InlineData("It\u2019s the 3rd time, isn't it?", "it|the|3|rd|time|,|is|not|it|?")]
    [InlineData("I can't, I won't, we'll see... I'm done", "i|can|not|,|i|will|not|,|we|will|see|.|.|.|i|am|done")]
    [InlineData("ca wo café", "ca|wo|caf|é")]
    [InlineData("   ", "")]
    public void MessagesAreSplitIntoWordsTheTableKnowsWithContractionsSpeltOut(string text, string expected)
    {
        Assert.Equal(expected, string.Join('|', WordTokens.Of(text)));
    }

    [Fact]
    public void TheShippedTableHoldsFortyThousandWordsMostFrequentFirst()
    {
        var table = WordVectors.Shipped;
        Assert.Equal(40_000, table.Words.Count);
        Assert.Equal(40_000 * WordVectors.Dimensions, table.Values.Length);
        Assert.Equal(["the", ",", ".", "of", "to"], table.Words.Take(5));
        Assert.Contains("refund", table.Words);
        Assert.Contains("not", table.Words);
        // No word but the apostrophe itself has one ("n't", "'s" and "don't" are all missing): hence WordTokens spells
        // contractions out.
        Assert.DoesNotContain(table.Words, w => w != "'" && w.Contains('\'', StringComparison.Ordinal));
        Assert.Equal(table.Words.Count, table.Words.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void PoolingIsTheMeanMaxAndMinOfTheKnownWordsVectors()
    {
        // Against a naive reference in double, over random texts of known and unknown words (fixed seed).
        string[] vocabulary = ["late", "parcel", "thanks", "!", "again", "not", "do", "refund"];
        var random = new Random(7);
        // Multiples of 1/8 in [-2, 2]: exact in bfloat16, to which Prepare rounds the table.
        float[] vectors = [.. Enumerable.Range(0, vocabulary.Length * WordVectors.Dimensions).Select(_ => random.Next(-16, 17) / 8f)];
        var member = new WordVectorPerceptron(vocabulary, new WordVectorPerceptronOptions(Hidden: 4, Epochs: 1));
        member.Prepare([new("late", Labels.Frustrated), new("thanks", Labels.Positive), new("parcel", Labels.Other)], vectors, seed: 1);
        var words = Gen.Elements("late", "parcel", "thanks", "!", "again", "don't", "refund", "zebra", "qwerty");
        Prop.ForAll(words.ArrayOf().Select(parts => string.Join(' ', parts)).ToArbitrary(), text =>
        {
            float[] pooled = member.Pooled([text]);
            float[] expected = NaivePooled(text, vocabulary, vectors);
            return pooled.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= 1e-5f);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AMessageWithNoKnownWordPoolsToZeros()
    {
        var member = new WordVectorPerceptron(["late"]);
        member.Prepare([new("late", Labels.Other)], new float[WordVectors.Dimensions], seed: 1);
        Assert.All(member.Pooled(["zxqv wqxz", ""]), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void PretrainedVectorsCarryAWordTheTrainingDataNeverHad()
    {
        // The point of this member: trained on a handful of messages, it places words it never saw ("furious",
        // "wonderful") by their pretrained neighbours. The other two members give an unseen word nothing.
        var table = WordVectors.Shipped;
        var training = new List<LabeledText>();
        foreach (string word in new[] { "angry", "annoyed", "upset", "outraged", "frustrated", "disgusted" })
        {
            training.Add(new($"i am {word}", Labels.Frustrated));
        }
        foreach (string word in new[] { "happy", "grateful", "delighted", "pleased", "glad", "thankful" })
        {
            training.Add(new($"i am {word}", Labels.Positive));
        }
        var member = new WordVectorPerceptron(table.Words, new WordVectorPerceptronOptions(Hidden: 16, Dropout: 0f, Epochs: 60, LearningRate: 0.01, BatchSize: 4));
        member.Train(training, table.Values, seed: 5);
        float[] p = member.Probabilities(["i am furious", "i am thrilled"]);
        Assert.True(p[Labels.Frustrated] > p[Labels.Positive], $"'furious': P(frustrated) {p[0]:F3}, P(positive) {p[1]:F3}");
        Assert.True(p[3 + Labels.Positive] > p[3 + Labels.Frustrated], $"'thrilled': P(frustrated) {p[3]:F3}, P(positive) {p[4]:F3}");
    }

    [Fact]
    public void VectorsOfTheWrongSizeAreRefusedNamingBothSizes()
    {
        var member = new WordVectorPerceptron(["late", "parcel"]);
        var error = Assert.Throws<ArgumentException>(() => member.Train([new("late", Labels.Frustrated)], new float[150], seed: 1));
        Assert.Contains("200", error.Message, StringComparison.Ordinal);
        Assert.Contains("150", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATrainingStepAllocatesNothingOnceWarm()
    {
        string[] vocabulary = ["late", "parcel", "thanks"];
        var member = new WordVectorPerceptron(vocabulary, new WordVectorPerceptronOptions(Hidden: 8, Epochs: 1));
        var training = new List<LabeledText> { new("late parcel", Labels.Frustrated), new("thanks", Labels.Positive), new("parcel", Labels.Other) };
        member.Prepare(training, [.. Enumerable.Range(0, vocabulary.Length * WordVectors.Dimensions).Select(i => (i % 7) * 0.125f)], seed: 2);
        int[] batch = [0, 1, 2];
        member.TrainBatch(batch);
        member.TrainBatch(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        member.TrainBatch(batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float[] NaivePooled(string text, string[] vocabulary, float[] vectors)
    {
        const int d = WordVectors.Dimensions;
        var rows = WordTokens.Of(text).Select(w => Array.IndexOf(vocabulary, w)).Where(r => r >= 0).ToList();
        var pooled = new float[3 * d];
        if (rows.Count == 0)
        {
            return pooled;
        }
        for (int k = 0; k < d; k++)
        {
            var values = rows.Select(r => (double)vectors[r * d + k]).ToList();
            pooled[k] = (float)values.Average();
            pooled[d + k] = (float)values.Max();
            pooled[2 * d + k] = (float)values.Min();
        }
        return pooled;
    }
}
