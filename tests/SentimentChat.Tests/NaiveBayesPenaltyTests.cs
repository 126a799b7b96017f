using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The naive-Bayes-scaled L2 strengths of the TF-IDF regression.</summary>
public sealed class NaiveBayesPenaltyTests
{
    private const float Lambda = 2e-5f;

    // Four buckets, four rows: bucket 0 only in frustrated rows, bucket 1 in every row, bucket 2 once, in the positive row,
    // bucket 3 in no row. Labels 0 frustrated, 1 positive, 2 other.
    private static readonly SparseRows Rows = new(
        Offsets: [0, 2, 4, 6, 7],
        Ids: [0, 1, 0, 1, 1, 2, 1],
        Weights: [1, 1, 1, 1, 1, 1, 1]);

    private static readonly int[] Labels = [0, 0, 1, 2];

    /// <summary>λ / max(|r|, floor)² with r from the counts by hand: for class c, p = (n_c + 1) / Σ_t (n_c,t + 1) and
    /// q the same over the other classes.</summary>
    private static float Expected(int inClass, int outOfClass, double classTotal, double otherTotal)
    {
        double r = Math.Log((inClass + 1) / classTotal) - Math.Log((outOfClass + 1) / otherTotal);
        r = Math.Max(Math.Abs(r), NaiveBayesPenalty.RatioFloor);
        return (float)(Lambda / (r * r));
    }

    [Fact]
    public void StrengthsFollowTheLogCountRatios()
    {
        var strengths = NaiveBayesPenalty.Strengths(Rows, Labels, buckets: 4, Lambda);
        Assert.Equal(12, strengths.Length);
        // Presence counts per class: frustrated {0: 2, 1: 2}, positive {1: 1, 2: 1}, other {1: 1}; each total plus 4
        // buckets of +1.
        double frustrated = 4 + 4, positive = 2 + 4, other = 1 + 4, all = 4 + 2 + 1;
        Assert.Equal(Expected(2, 0, frustrated, all - 4 + 4), strengths[0 * 3 + 0], 6);
        Assert.Equal(Expected(0, 2, positive, all - 2 + 4), strengths[0 * 3 + 1], 6);
        Assert.Equal(Expected(1, 3, other, all - 1 + 4), strengths[1 * 3 + 2], 6);
        Assert.Equal(Expected(1, 0, positive, all - 2 + 4), strengths[2 * 3 + 1], 6);
    }

    [Fact]
    public void ATermThatTellsItsClassIsPenalizedLessThanOneThatDoesNot()
    {
        var strengths = NaiveBayesPenalty.Strengths(Rows, Labels, buckets: 4, Lambda);
        // Bucket 0 is mostly frustrated; bucket 1 is everywhere.
        Assert.True(strengths[0 * 3 + 0] < strengths[1 * 3 + 0]);
        Assert.All(strengths, s => Assert.InRange(s, 0f, Lambda / (float)(NaiveBayesPenalty.RatioFloor * NaiveBayesPenalty.RatioFloor) * 1.0001f));
    }

    [Fact]
    public void ABucketInBothHalvesOfARowCountsOnce()
    {
        var twice = new SparseRows([0, 2], [0, 0], [1, 1]);
        var once = new SparseRows([0, 1], [0], [1]);
        Assert.Equal(NaiveBayesPenalty.Strengths(once, [0], 2, Lambda), NaiveBayesPenalty.Strengths(twice, [0], 2, Lambda));
    }

    [Fact]
    public void LabelsMustMatchTheRows()
    {
        var error = Assert.Throws<ArgumentException>(() => NaiveBayesPenalty.Strengths(Rows, [0, 1], 4, Lambda));
        Assert.Contains("2 labels for 4 rows", error.Message, StringComparison.Ordinal);
    }
}
