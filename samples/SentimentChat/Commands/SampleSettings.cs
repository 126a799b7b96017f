using System.ComponentModel;
using ParameterKit.CommandLine;
using SentimentChat.Model;
using Spectre.Console.Cli;

namespace SentimentChat.Commands;

/// <summary>Options every command takes: <c>--model</c>, and <c>--verbose</c> from the shared conventions.</summary>
internal class SampleSettings : SharedSettings
{
    /// <summary>The model file.</summary>
    [CommandOption("--model <FILE>")]
    [Description("The model file, or a folder holding model.safetensors (default: model.safetensors in the user's local data folder, trained on first chat).")]
    public string? Model { get; init; }

    /// <summary>Whether errors are written as JSON (commands with <c>--json</c> override this).</summary>
    public virtual bool JsonErrors => false;

    /// <summary>The model path to use.</summary>
    public string ModelPath => Model ?? ModelFile.DefaultPath;
}
