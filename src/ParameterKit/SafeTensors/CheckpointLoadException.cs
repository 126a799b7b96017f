namespace ParameterKit.SafeTensors;

/// <summary>
/// A strict load found names that do not line up. <see cref="Report"/> lists every missing, unexpected, mismatched
/// and skipped name at once, so one run shows the whole problem, and the message the first
/// <see cref="CheckpointLoadReport.MaxListedPerKind"/> of each. The store was not modified.
/// </summary>
public sealed class CheckpointLoadException : Exception
{
    /// <summary>Creates the exception from a load report.</summary>
    /// <param name="report">The report listing every problem.</param>
    public CheckpointLoadException(CheckpointLoadReport report)
        : base((report ?? throw new ArgumentNullException(nameof(report))).ToString())
    {
        Report = report;
    }

    /// <summary>Everything the load found.</summary>
    public CheckpointLoadReport Report { get; }
}
