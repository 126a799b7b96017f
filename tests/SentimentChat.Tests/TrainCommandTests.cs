using ParameterKit.CommandLine;
using ParameterKit.SafeTensors;
using ParameterKit.Training;
using SentimentChat.Commands;
using SentimentChat.Model;

namespace SentimentChat.Tests;

/// <summary>
/// <c>train --out DIR</c> end to end, on a small slice of the shipped split so the test stays short: the files land in
/// the folder, the model file carries no wall-clock figure, and the output says what each number is.
/// </summary>
public sealed class TrainCommandTests
{
    private static TrainingOutcome SmallRun(int epochs, ulong seed, IProgress<TrainingProgress> progress, CancellationToken cancellationToken) =>
        TrainingRecipe.Run(new RecipeOptions(Epochs: epochs, Seed: seed, Train: Corpus.Train().Take(1500).ToList(), Dev: Corpus.Dev().Take(300).ToList()),
            progress, cancellationToken);

    [Fact]
    public async Task CtrlCDuringTrainingKeepsTheSavedModelAndExitsWithAFailure()
    {
        string folder = Directory.CreateTempSubdirectory("sentimentchat-cancel-").FullName;
        try
        {
            string model = Path.Combine(folder, "model.safetensors");
            File.WriteAllText(model, "the model trained yesterday");
            using var ctrlC = new CancellationTokenSource();
            // Ctrl+C a few steps in, as a person would: the run must stop there, not train on and overwrite the model.
            TrainingOutcome CancelledPartWay(int epochs, ulong seed, IProgress<TrainingProgress> progress, CancellationToken cancellationToken) =>
                SmallRun(epochs, seed, new CancelAt(step: 3, ctrlC, progress), cancellationToken);

            var run = await SampleRunner.Run("", CancelledPartWay, ctrlC.Token, "train", "--epochs", "2", "--out", folder);

            Assert.Equal(ExitCodes.Failure, run.Exit);
            Assert.Contains("cancelled", run.Error, StringComparison.Ordinal);
            Assert.Equal("the model trained yesterday", File.ReadAllText(model));
            Assert.False(File.Exists(Path.Combine(folder, "model.svg")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class CancelAt(long step, CancellationTokenSource source, IProgress<TrainingProgress> inner) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            inner.Report(value);
            if (value.Step == step)
            {
                source.Cancel();
            }
        }
    }

    [Fact]
    public async Task TrainIntoAnExistingFolderWritesModelAndCurveThere()
    {
        string folder = Directory.CreateTempSubdirectory("sentimentchat-train-").FullName;
        try
        {
            var run = await SampleRunner.Run("", SmallRun, "train", "--epochs", "2", "--seed", "7", "--out", folder);
            Assert.True(run.Exit == ExitCodes.Ok, run.Error);
            string model = Path.Combine(folder, "model.safetensors");
            Assert.True(File.Exists(model));
            Assert.True(File.Exists(Path.Combine(folder, "model.svg")));
            using (var file = SafeTensorsFile.Open(model))
            {
                Assert.DoesNotContain(file.Metadata!.Keys, k => k.Contains("seconds", StringComparison.Ordinal) || k.Contains("elapsed", StringComparison.Ordinal));
            }
            Assert.NotNull(ModelFile.Load(model));

            string output = run.Output;
            Assert.Contains("running mean loss", output, StringComparison.Ordinal);
            Assert.Contains("mean training loss", output, StringComparison.Ordinal);
            Assert.Contains("trained in", output, StringComparison.Ordinal);
            Assert.Contains(BaselineRun.Announcement, output, StringComparison.Ordinal);
            Assert.True(output.IndexOf(BaselineRun.Announcement, StringComparison.Ordinal) < output.IndexOf("baseline (GoEmotions dev): hashed", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheProgressLossIsTheEpochsRunningMeanSoItEndsAtTheEpochSummary()
    {
        var text = new TrainingProgressText();
        float[] epochOne = [1.0f, 0.8f, 0.6f], epochTwo = [0.5f, 0.3f];
        long step = 0;
        string line = "";
        foreach (float loss in epochOne)
        {
            line = text.Update(new TrainingProgress(++step, 5, 1, 2, loss, 1e-3, 100, TimeSpan.Zero, TimeSpan.Zero, 1f));
        }
        Assert.Equal(0.8, text.RunningMeanLoss, 6);
        Assert.Contains("running mean loss 0.8000", line, StringComparison.Ordinal);
        foreach (float loss in epochTwo)
        {
            line = text.Update(new TrainingProgress(++step, 5, 2, 2, loss, 1e-3, 100, TimeSpan.Zero, TimeSpan.Zero, 1f));
        }
        Assert.Equal(0.4, text.RunningMeanLoss, 6); // reset at the epoch boundary, like the trainer's epoch mean
    }

    [Fact]
    public void AnExistingFolderGetsTheDefaultFileNameAndAFilePathIsKept()
    {
        string folder = Directory.CreateTempSubdirectory("sentimentchat-out-").FullName;
        try
        {
            Assert.Equal(Path.Combine(folder, ModelOutputPath.FileName), ModelOutputPath.Resolve(folder));
            Assert.Equal(Path.Combine(folder, "mine.safetensors"), ModelOutputPath.Resolve(Path.Combine(folder, "mine.safetensors")));
            Assert.Throws<CommandException>(() => ModelOutputPath.Resolve(Path.Combine(folder, "missing") + Path.DirectorySeparatorChar));
            Assert.Throws<CommandException>(() => ModelOutputPath.Resolve(Path.Combine(folder, "missing", "m.safetensors")));
            Assert.Empty(Directory.GetFiles(folder));   // the write check leaves nothing behind
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_path_the_curve_would_overwrite_or_a_folder_that_takes_no_file_is_refused_before_training()
    {
        // Before: --out m/curve.svg trained, saved the model there, then wrote the curve over it and exited 0; a folder
        // that takes no file (here /proc) was found only after the training run, naming a temporary file.
        string folder = Directory.CreateTempSubdirectory("sentimentchat-out-").FullName;
        try
        {
            var svg = Assert.Throws<CommandException>(() => ModelOutputPath.Resolve(Path.Combine(folder, "curve.svg")));
            Assert.Contains("ends in .svg", svg.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        if (Directory.Exists("/proc/self"))
        {
            var unwritable = Assert.Throws<CommandException>(() => ModelOutputPath.Resolve("/proc/sentiment.safetensors"));
            Assert.Contains("cannot write in '/proc'", unwritable.Message, StringComparison.Ordinal);
            Assert.Throws<CommandException>(() => ModelOutputPath.Resolve("/proc"));
        }
    }

    [Fact]
    public async Task Train_checks_model_as_it_checks_out_before_training_and_a_folder_model_is_read_from_inside()
    {
        // Before: train --model m.svg trained, saved, then drew the curve over the model; train --model <folder> trained
        // for a minute and then failed with "Is a directory"; classify --model <folder> said "No model at".
        string folder = Directory.CreateTempSubdirectory("sentimentchat-model-").FullName;
        try
        {
            var svg = await SampleRunner.Run("", "train", "--epochs", "1", "--model", Path.Combine(folder, "m.svg"));
            Assert.Equal(ExitCodes.Rejected, svg.Exit);
            Assert.Contains("--model: ", svg.Error, StringComparison.Ordinal);
            Assert.Contains("ends in .svg", svg.Error, StringComparison.Ordinal);

            var empty = await SampleRunner.Run("", "classify", "where is my parcel", "--model", folder);
            Assert.Equal(ExitCodes.Failure, empty.Exit);
            Assert.Contains("is a folder without a model.safetensors", empty.Error, StringComparison.Ordinal);

            var trained = await SampleRunner.Run("", SmallRun, "train", "--epochs", "1", "--model", folder);
            Assert.True(trained.Exit == ExitCodes.Ok, trained.Error);
            Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
            Assert.True(File.Exists(Path.Combine(folder, "model.svg")));

            var classified = await SampleRunner.Run("", "classify", "where is my parcel", "--json", "--model", folder);
            Assert.True(classified.Exit == ExitCodes.Ok, classified.Error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
