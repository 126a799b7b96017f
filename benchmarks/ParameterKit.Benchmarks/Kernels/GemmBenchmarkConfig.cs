using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// A short job (3 warm-up, 10 measured iterations of about a quarter second) so the whole table takes about ten
/// minutes, the GFLOP/s and ratio columns, and a filter that keeps the naive triple loop off the three large
/// shapes (it would take minutes per iteration there) and drops the OpenBLAS rows when the library is absent.
/// </summary>
internal sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(250)));
        AddColumn(StatisticColumn.Min);
        AddColumn(GemmColumn.Gflops, GemmColumn.PercentOfPeak, GemmColumn.VersusOpenBlas, GemmColumn.VersusMultiplyAdd, GemmColumn.VersusReadOnce);
        AddFilter(new SimpleFilter(benchmark =>
        {
            string method = benchmark.Descriptor.WorkloadMethod.Name;
            var shape = GemmShape.Parse((string)benchmark.Parameters["Shape"]);
            if (method.StartsWith("OpenBlas", StringComparison.Ordinal) && !OpenBlas.IsAvailable)
            {
                return false;
            }
            if (method.StartsWith(GemmBenchmarks.ReadWeightsOnce, StringComparison.Ordinal) && shape.M != 1)
            {
                return false;
            }
            return method != GemmBenchmarks.NaiveTripleLoop || shape.MultiplyAdds <= 50_000_000;
        }));
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
    }
}
