using FsCheck;
using FsCheck.Fluent;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The third member: GloVe-style words, filters over windows of pretrained vectors, and what they let it generalize to.</summary>
public sealed class WordConvolutionTests
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

    private static readonly string[] SmallVocabulary = ["late", "parcel", "thanks", "!", "again", "not", "do", "refund"];

    /// <summary>Multiples of 1/8 in [-2, 2]: exact in bfloat16, to which Prepare rounds the table (fixed seed).</summary>
    private static float[] SmallTable(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, SmallVocabulary.Length * WordVectors.Dimensions).Select(_ => random.Next(-16, 17) / 8f)];
    }

    [Fact]
    public void PooledFiltersAreTheLargestRectifiedWindowOfEachWidth()
    {
        // Against a naive reference in double, over random texts of known and unknown words, longer than MaxWords
        // included (fixed seeds). Tolerance 1e-4 relative to the window's magnitude: float32 GEMM against double sums.
        float[] vectors = SmallTable(7);
        var member = new WordConvolution(SmallVocabulary, new WordConvolutionOptions(Filters: 5, Epochs: 1));
        member.Prepare([new("late", Labels.Frustrated), new("thanks", Labels.Positive), new("parcel", Labels.Other)], vectors, seed: 1);
        var words = Gen.Elements("late", "parcel", "thanks", "!", "again", "don't", "refund", "zebra", "qwerty");
        var texts = Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(words, n)).Select(parts => string.Join(' ', parts));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            float[] pooled = member.PooledFilters([text]);
            double[] expected = NaivePooled(member, text, vectors);
            return pooled.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * (1 + Math.Abs(p.Second)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void OneWordFiltersIgnoreOrderAndWiderOnesSeeIt()
    {
        // Why windows: "not late again" and "again late not" hold the same words; only filters over neighbours tell them apart.
        var member = new WordConvolution(SmallVocabulary, new WordConvolutionOptions(Filters: 8, Epochs: 1));
        member.Prepare([new("late", Labels.Frustrated)], SmallTable(3), seed: 4);
        float[] pooled = member.PooledFilters(["not late again", "again late not"]);
        int f = member.Options.Filters, width = member.Options.Widths * f;
        Assert.Equal(pooled.AsSpan(0, f).ToArray(), pooled.AsSpan(width, f).ToArray());
        Assert.NotEqual(pooled.AsSpan(f, width - f).ToArray(), pooled.AsSpan(width + f, width - f).ToArray());
    }

    [Fact]
    public void AMessageWithNoKnownWordPoolsToZeros()
    {
        var member = new WordConvolution(["late"]);
        member.Prepare([new("late", Labels.Other)], new float[WordVectors.Dimensions], seed: 1);
        Assert.All(member.PooledFilters(["zxqv wqxz", ""]), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TheGradientOfAWindowWeightMatchesFiniteDifferences()
    {
        // The max pooling routes each filter's gradient to the window that won it; a wrong route (another window, another
        // filter, a width's block offset) changes the loss's slope. Central differences in float32, step 1e-3, on every
        // entry of a few rows of each width; tolerance 2e-3 absolute (the loss is piecewise linear in one weight).
        float[] vectors = SmallTable(11);
        var member = new WordConvolution(SmallVocabulary, new WordConvolutionOptions(Filters: 4, Dropout: 0f, Epochs: 1));
        var training = new List<LabeledText>
        {
            new("late parcel again !", Labels.Frustrated), new("thanks !", Labels.Positive), new("refund do not", Labels.Other),
            new("again late", Labels.Frustrated), new("zebra", Labels.Other),
        };
        member.Prepare(training, vectors, seed: 9);
        int[] batch = [0, 1, 2, 3, 4];
        for (int w = 1; w <= member.Options.Widths; w++)
        {
            var weight = member.Store[$"window{w}.weight"];
            member.Store.ZeroGradients();
            member.TrainBatch(batch);
            float[] analytic = weight.Gradient.ToArray();
            for (int i = 0; i < weight.ElementCount; i += 7)
            {
                float saved = weight.Value[i];
                weight.Value[i] = saved + 1e-3f;
                double up = member.TrainBatch(batch);
                weight.Value[i] = saved - 1e-3f;
                double down = member.TrainBatch(batch);
                weight.Value[i] = saved;
                double numeric = (up - down) / 2e-3;
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3, $"window{w}.weight[{i}]: finite differences {numeric:G5}, backward {analytic[i]:G5}");
            }
        }
    }

    [Fact]
    public void PretrainedVectorsCarryAWordTheTrainingDataNeverHad()
    {
        // The point of this member: trained on a handful of messages, it places words it never saw ("furious",
        // "thrilled") by their pretrained neighbours. The other two members give an unseen word nothing.
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
        var member = new WordConvolution(table.Words, new WordConvolutionOptions(Filters: 16, Dropout: 0f, Epochs: 60, LearningRate: 0.01, BatchSize: 4));
        member.Train(training, table.Values, seed: 5);
        float[] p = member.Probabilities(["i am furious", "i am thrilled"]);
        Assert.True(p[Labels.Frustrated] > p[Labels.Positive], $"'furious': P(frustrated) {p[0]:F3}, P(positive) {p[1]:F3}");
        Assert.True(p[3 + Labels.Positive] > p[3 + Labels.Frustrated], $"'thrilled': P(frustrated) {p[3]:F3}, P(positive) {p[4]:F3}");
    }

    [Fact]
    public void VectorsOfTheWrongSizeAreRefusedNamingBothSizes()
    {
        var member = new WordConvolution(["late", "parcel"]);
        var error = Assert.Throws<ArgumentException>(() => member.Train([new("late", Labels.Frustrated)], new float[150], seed: 1));
        Assert.Contains("200", error.Message, StringComparison.Ordinal);
        Assert.Contains("150", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATrainingStepAllocatesNothingOnceWarm()
    {
        string[] vocabulary = ["late", "parcel", "thanks"];
        var member = new WordConvolution(vocabulary, new WordConvolutionOptions(Filters: 8, Epochs: 1));
        var training = new List<LabeledText> { new("late parcel", Labels.Frustrated), new("thanks", Labels.Positive), new("parcel", Labels.Other) };
        member.Prepare(training, [.. Enumerable.Range(0, vocabulary.Length * WordVectors.Dimensions).Select(i => (i % 7) * 0.125f)], seed: 2);
        int[] batch = [0, 1, 2];
        member.TrainBatch(batch);
        member.TrainBatch(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        member.TrainBatch(batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>For each width w and filter c: max(0, max over the windows ending at each known word of
    /// bias + weight · [vectors of words j-w+1 .. j, zeros before the first]), in double.</summary>
    private static double[] NaivePooled(WordConvolution member, string text, float[] vectors)
    {
        const int d = WordVectors.Dimensions;
        int f = member.Options.Filters;
        var rows = WordTokens.Of(text).Select(w => Array.IndexOf(SmallVocabulary, w)).Where(r => r >= 0).Take(WordConvolution.MaxWords).ToList();
        var pooled = new double[member.Options.Widths * f];
        for (int w = 1; w <= member.Options.Widths; w++)
        {
            float[] weight = member.Store[$"window{w}.weight"].Value.ToArray();
            float[] bias = member.Store[$"window{w}.bias"].Value.ToArray();
            for (int c = 0; c < f; c++)
            {
                for (int j = 0; j < rows.Count; j++)
                {
                    double sum = bias[c];
                    for (int k = 0; k < w; k++)
                    {
                        int word = j - (w - 1) + k;
                        for (int e = 0; word >= 0 && e < d; e++)
                        {
                            sum += (double)weight[c * w * d + k * d + e] * vectors[rows[word] * d + e];
                        }
                    }
                    pooled[(w - 1) * f + c] = Math.Max(pooled[(w - 1) * f + c], sum);
                }
            }
        }
        return pooled;
    }

    [Fact]
    public void ACancelledTrainingThrowsInsteadOfReturningHalfTrainedWeights()
    {
        var table = WordVectors.Shipped;
        var member = new WordConvolution(table.Words, new WordConvolutionOptions(Filters: 4, Epochs: 60, BatchSize: 1));
        LabeledText[] training = [new("i am angry", Labels.Frustrated), new("i am glad", Labels.Positive)];
        Assert.ThrowsAny<OperationCanceledException>(() => member.Train(training, table.Values, seed: 5, new CancellationToken(canceled: true)));
    }
}
