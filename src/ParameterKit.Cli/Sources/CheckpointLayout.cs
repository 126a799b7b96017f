namespace ParameterKit.Cli.Sources;

/// <summary>How a checkpoint is stored.</summary>
internal enum CheckpointLayout
{
    /// <summary>One local <c>.safetensors</c> file.</summary>
    File,
    /// <summary>Shards named by a <c>model.safetensors.index.json</c>.</summary>
    Sharded,
    /// <summary>One remote file read with HTTP range requests.</summary>
    Remote,
}
