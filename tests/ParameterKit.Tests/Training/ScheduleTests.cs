using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Training.Schedules;

namespace ParameterKit.Tests.Training;

/// <summary>
/// Schedules against PyTorch's LambdaLR driven by Hugging Face's lambdas and against StepLR
/// (Fixtures/torch/schedule_fixtures.json; both sides are double-precision formulas, so the tolerance is
/// 1e-12 relative), and properties over random phase lengths: never negative, never above the base, 0 at step 0
/// with warmup, monotone within phases, and no jump at a phase boundary larger than the steepest step inside
/// the adjacent phases.
/// </summary>
public sealed class ScheduleTests
{
    private const string Fixtures = "schedule_fixtures.json";

    public static TheoryData<string> Cases => TorchFixtures.Names(Fixtures);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTorchAndTransformers(string name)
    {
        var c = TorchFixtures.Case(Fixtures, name);
        var schedule = FromFixture(c);
        var expected = c.Doubles("lr");
        for (int step = 0; step < expected.Length; step++)
        {
            TorchFixtures.AssertClose(expected[step], schedule.At(step), 1e-12, 1e-18, $"step {step}");
        }
    }

    private static LearningRateSchedule FromFixture(JsonElement c)
    {
        double b = c.GetProperty("base").GetDouble();
        long Long(string p) => c.GetProperty(p).GetInt64();
        return c.GetProperty("kind").GetString() switch
        {
            "linear" => new LinearWarmupDecaySchedule(b, Long("warmup"), Long("total")),
            "cosine" => new CosineSchedule(b, Long("warmup"), Long("total"), c.GetProperty("min_lr").GetDouble()),
            "step" => new StepDecaySchedule(b, Long("step_size"), c.GetProperty("gamma").GetDouble()),
            "wsd" => new WarmupStableDecaySchedule(b, Long("warmup"), Long("stable"), Long("decay"), c.GetProperty("min_lr").GetDouble(),
                c.GetProperty("decay_shape").GetString() switch
                {
                    "linear" => DecayShape.Linear,
                    "cosine" => DecayShape.Cosine,
                    _ => DecayShape.OneMinusSqrt,
                }),
            var kind => throw new InvalidOperationException($"unknown schedule kind {kind}"),
        };
    }

    /// <summary>A schedule with its phase boundaries and the largest step-to-step change its formulas allow.</summary>
    private sealed record Case(LearningRateSchedule Schedule, long Warmup, long[] Boundaries, long End, double MaxJump);

    private static Case Draw(int which, int w, int s, int d, double b, double minShare)
    {
        double m = b * minShare;
        double warmSlope = b / Math.Max(1, w);
        // Largest per-step drop of each decay shape over D steps: linear (b − m)/D, cosine ≤ (π/2)(b − m)/D,
        // 1 − √p drops by (b − m)·√(1/D) on its first step.
        return (which % 5) switch
        {
            0 => new Case(new LinearWarmupDecaySchedule(b, w, w + d), w, [w, w + d], w + d + 3, Math.Max(warmSlope, b / Math.Max(1, d))),
            1 => new Case(new CosineSchedule(b, w, w + d, m), w, [w, w + d], w + d + 3, Math.Max(warmSlope, Math.PI / 2 * (b - m) / Math.Max(1, d))),
            2 => new Case(new WarmupStableDecaySchedule(b, w, s, d, m, DecayShape.Linear), w, [w, w + s, w + s + d], w + s + d + 3, Math.Max(warmSlope, (b - m) / Math.Max(1, d))),
            3 => new Case(new WarmupStableDecaySchedule(b, w, s, d, m, DecayShape.Cosine), w, [w, w + s, w + s + d], w + s + d + 3, Math.Max(warmSlope, Math.PI / 2 * (b - m) / Math.Max(1, d))),
            _ => new Case(new WarmupStableDecaySchedule(b, w, s, d, m, DecayShape.OneMinusSqrt), w, [w, w + s, w + s + d], w + s + d + 3, Math.Max(warmSlope, (b - m) / Math.Sqrt(Math.Max(1, d)))),
        };
    }

    [Property(MaxTest = 200)]
    public void WarmupSchedulesBehave(NonNegativeInt which, NonNegativeInt warmup, NonNegativeInt stable, PositiveInt decay, PositiveInt baseSeed, NonNegativeInt minSeed)
    {
        int w = warmup.Get % 40, s = stable.Get % 40, d = 1 + decay.Get % 60;
        double b = baseSeed.Get % 1000 * 1e-5 + 1e-6, minShare = minSeed.Get % 5 / 10.0;
        var c = Draw(which.Get, w, s, d, b, minShare);
        var lr = Enumerable.Range(0, (int)c.End + 1).Select(step => c.Schedule.At(step)).ToArray();
        const double slack = 1e-12;

        Assert.All(lr, v => Assert.InRange(v, 0, b * (1 + slack)));
        Assert.Equal(c.Warmup > 0 ? 0 : b, lr[0], 15);
        for (int step = 1; step < lr.Length; step++)
        {
            if (step <= c.Warmup)
            {
                Assert.True(lr[step] >= lr[step - 1], $"warmup must not fall: step {step}");
            }
            else
            {
                Assert.True(lr[step] <= lr[step - 1] + b * slack, $"after warmup the rate must not rise: step {step}, {lr[step - 1]} -> {lr[step]}");
            }
        }
        foreach (long boundary in c.Boundaries.Where(x => x > 0 && x < lr.Length))
        {
            double jump = Math.Abs(lr[boundary] - lr[boundary - 1]);
            Assert.True(jump <= c.MaxJump * (1 + 1e-9) + b * slack, $"jump {jump} at boundary {boundary} exceeds {c.MaxJump}");
        }
    }

    [Property(MaxTest = 100)]
    public void StepDecayIsPiecewiseConstantAndNeverNegative(PositiveInt stepSizeSeed, PositiveInt gammaSeed, NonNegativeInt stepSeed)
    {
        long stepSize = 1 + stepSizeSeed.Get % 20;
        double gamma = (1 + gammaSeed.Get % 10) / 10.0;
        var schedule = new StepDecaySchedule(0.1, stepSize, gamma);
        long step = stepSeed.Get % 500;
        Assert.Equal(0.1 * Math.Pow(gamma, step / stepSize), schedule.At(step), 15);
        Assert.True(schedule.At(step) >= 0);
        Assert.True(schedule.At(step + 1) <= schedule.At(step));
        if ((step + 1) % stepSize != 0)
        {
            Assert.Equal(schedule.At(step), schedule.At(step + 1));
        }
    }

    [Fact]
    public void ConstantIsConstantAndBadArgumentsAreNamed()
    {
        var constant = new ConstantSchedule(3e-4);
        Assert.Equal(3e-4, constant.At(0));
        Assert.Equal(3e-4, constant.At(long.MaxValue));
        Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => constant.At(-1)).ParamName);
        Assert.Equal("baseLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(double.NaN)).ParamName);
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupDecaySchedule(1e-3, 10, 5)).ParamName);
        Assert.Equal("warmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1e-3, -1, 5)).ParamName);
        Assert.Equal("minLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1e-3, 1, 5, 2e-3)).ParamName);
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1e-3, 0, 0.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1e-3, 1, 0)).ParamName);
        Assert.Equal("decaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupStableDecaySchedule(1e-3, 1, 1, -1)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupStableDecaySchedule(1e-3, 1, 1, 1, 0, (DecayShape)7)).ParamName);
    }

    [Fact]
    public void CosineHoldsItsFloorPastTheEnd()
    {
        // Transformers' lambda would rise again past T (cos(π·p) for p > 1); this schedule holds the floor.
        var schedule = new CosineSchedule(1e-3, 2, 10, 1e-4);
        Assert.Equal(1e-4, schedule.At(10), 15);
        Assert.Equal(1e-4, schedule.At(15), 15);
        Assert.Equal(1e-4, schedule.At(1_000_000), 15);
    }
}
