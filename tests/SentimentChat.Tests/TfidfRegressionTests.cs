using FsCheck;
using FsCheck.Fluent;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The TF-IDF terms, weights and regression that the classifier averages with its perceptron.</summary>
public sealed class TfidfRegressionTests
{
    private const int Buckets = 1 << 16;

    private static (List<int> Words, List<int> Chars) Terms(string text)
    {
        List<int> words = [], chars = [];
        TfidfTerms.Collect(text, Buckets, words, chars);
        return (words, chars);
    }

    [Fact]
    public void WordsPairsAndCharacterGramsAreCollectedApart()
    {
        var (words, chars) = Terms("Still not fixed!");
        // still, not, fixed, "!" and the three pairs between them.
        Assert.Equal(7, words.Count);
        // <still> gives 3+4+5 grams = 5+4+3, plus itself; <not> 3+2+1+1; <fixed> 5+4+3+1.
        Assert.Equal(13 + 7 + 13, chars.Count);
        Assert.All(words.Concat(chars), b => Assert.InRange(b, 0, Buckets - 1));
    }

    [Fact]
    public void AMisspeltWordStillSharesCharacterGramsButNoWordTerm()
    {
        var (rightWords, right) = Terms("received");
        var (typoWords, typo) = Terms("recieved");
        Assert.Empty(rightWords.Intersect(typoWords));
        double shared = (double)right.Intersect(typo).Count() / right.Distinct().Count();
        // <re, rec, ved, ed>, <rec and ved> survive the swapped letters: 6 of 22.
        Assert.True(shared >= 0.25, $"only {shared:P0} of the character grams are shared");
    }

    [Fact]
    public void IdfIsTheSmoothRuleAndZeroForUnusedBuckets()
    {
        string[] texts = ["refund please", "refund now", "hello"];
        var idf = new float[Buckets];
        TfidfWeighting.Idf(texts, Buckets, idf);
        int refund = Terms("refund").Words[0];
        int hello = Terms("hello").Words[0];
        int unused = Enumerable.Range(0, Buckets).First(b => idf[b] == 0);
        Assert.Equal(Math.Log(4.0 / 3.0) + 1, idf[refund], 1e-6);
        Assert.Equal(Math.Log(4.0 / 2.0) + 1, idf[hello], 1e-6);
        Assert.Equal(0f, idf[unused]);
        Assert.Equal(0f, idf[Terms("zebra").Words[0]]);
    }

    [Fact]
    public void RepeatsCountSublinearlyAndUnknownTermsNeitherCountNorDilute()
    {
        string[] corpus = ["no no no refund", "refund", "thanks"];
        var idf = new float[Buckets];
        TfidfWeighting.Idf(corpus, Buckets, idf);
        var rows = TfidfWeighting.Rows(["no no no refund", "no no no refund zebra"], Buckets, idf);
        int no = Terms("no").Words[0];
        int refund = Terms("refund").Words[0];
        var ids = rows.IdsOf(0).ToArray();
        var weights = rows.WeightsOf(0).ToArray();
        // Before normalization "no" weighs (1 + ln 3)·idf(no) and "refund" 1·idf(refund); the ratio survives scaling.
        double expected = (1 + Math.Log(3)) * idf[no] / idf[refund];
        Assert.Equal(expected, weights[Array.IndexOf(ids, no)] / weights[Array.IndexOf(ids, refund)], 1e-5);
        // "zebra" was never seen: its terms are left out, so the known terms keep exactly their weights.
        Assert.Equal(weights, rows.WeightsOf(1).ToArray());
    }

    [Fact]
    public void EveryRowHasUnitLengthAndEachNonEmptyHalfTheSameShare()
    {
        string[] corpus = ["my parcel is late again", "thanks so much!!", "where is order 4412?", "WHY was I charged twice"];
        var idf = new float[Buckets];
        TfidfWeighting.Idf(corpus, Buckets, idf);
        var letters = Gen.Elements("parcel", "late", "thanks", "where", "is", "order", "4412", "WHY", "charged", "twice", "!", "??", "zebra", " ");
        Prop.ForAll(letters.ArrayOf().Select(parts => string.Join(' ', parts)).ToArbitrary(), text =>
        {
            var row = TfidfWeighting.Rows([text], Buckets, idf);
            double length = row.WeightsOf(0).ToArray().Sum(w => (double)w * w);
            return row.IdsOf(0).Length == 0 ? length == 0 : Math.Abs(length - 1) < 1e-5;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TheRegressionLearnsWhichTermsTellTheClassesApart()
    {
        var training = new List<LabeledText>();
        string[] topics = ["parcel", "invoice", "router", "booking", "account"];
        foreach (string topic in topics)
        {
            training.Add(new($"my {topic} is broken and nobody helps", Labels.Frustrated));
            training.Add(new($"the {topic} is a joke, still broken", Labels.Frustrated));
            training.Add(new($"thanks, the {topic} works great now", Labels.Positive));
            training.Add(new($"lovely help with my {topic}, thanks", Labels.Positive));
            training.Add(new($"when does the {topic} arrive", Labels.Other));
            training.Add(new($"how do I change my {topic}", Labels.Other));
        }
        var model = new TfidfRegression(new TfidfRegressionOptions(Buckets: Buckets, Epochs: 30, LearningRate: 0.05, BatchSize: 8));
        model.Train(training, seed: 3);
        string[] unseen = ["my order is broken, nobody helps", "thanks, works great", "when does it arrive", "qwxz"];
        var p = model.Probabilities(unseen);
        Assert.Equal(Labels.Frustrated, ArgMax(p.AsSpan(0, 3)));
        Assert.Equal(Labels.Positive, ArgMax(p.AsSpan(3, 3)));
        Assert.Equal(Labels.Other, ArgMax(p.AsSpan(6, 3)));
        for (int i = 0; i < unseen.Length; i++)
        {
            Assert.Equal(1f, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1e-5f);
        }
        // A text of unknown terms only is the bias alone: the balanced classes make it close to uniform.
        Assert.All(p.AsSpan(9, 3).ToArray(), q => Assert.InRange(q, 0.2f, 0.47f));
    }

    [Fact]
    public void TheIdfValuesAreHeldInBFloat16SoTheFileKeepsWhatTrainingUsed()
    {
        var model = new TfidfRegression(new TfidfRegressionOptions(Buckets: Buckets, Epochs: 1));
        model.Train([new("late again", Labels.Frustrated), new("thanks", Labels.Positive), new("when", Labels.Other)], seed: 1);
        var idf = model.Store.Parameters.Single(p => p.Name == "idf.weight");
        Assert.False(idf.IsTrainable);
        Assert.All(idf.Value.ToArray(), v => Assert.Equal(0u, BitConverter.SingleToUInt32Bits(v) & 0xFFFF));
        Assert.Contains(idf.Value.ToArray(), v => v > 1f);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    [Fact]
    public void ACancelledTrainingThrowsInsteadOfReturningHalfTrainedWeights()
    {
        // The first stage of the sample's recipe: Ctrl+C must end it after a step, not after every epoch.
        var model = new TfidfRegression(new TfidfRegressionOptions(Buckets: Buckets, Epochs: 30, BatchSize: 1));
        LabeledText[] training = [new("late again", Labels.Frustrated), new("thanks", Labels.Positive), new("when", Labels.Other)];
        Assert.ThrowsAny<OperationCanceledException>(() => model.Train(training, seed: 1, new CancellationToken(canceled: true)));
    }
}
