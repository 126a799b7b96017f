using SentimentChat.Evaluation;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The trained classifier against its baselines, its decision rule and its file.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class ClassifierTests(TrainedModelFixture fixture)
{
    [Fact]
    public void TheClassifierBeatsTheTunedRegressionOnSupportAndStaysCloseOnGoEmotions()
    {
        var regression = new BagOfNgramsModel(Baselines.LogisticRegression, TrainingRecipe.TrainingTexts(new RecipeOptions()));
        double goEmotions = regression.Score(Corpus.Dev()).MacroF1;
        double support = regression.Score(Corpus.Support("dev")).MacroF1;
        // On Reddit text the classifier is a little ahead (0.679 against 0.656, README's table) although its threshold
        // leans towards recall; it must not fall behind by more than seed-to-seed noise.
        Assert.True(fixture.Outcome.GoEmotionsDev.MacroF1 > goEmotions - 0.01, $"GoEmotions dev macro-F1 {fixture.Outcome.GoEmotionsDev.MacroF1:F4} vs regression {goEmotions:F4}");
        Assert.True(fixture.Outcome.SupportDev.MacroF1 > support, $"support dev macro-F1 {fixture.Outcome.SupportDev.MacroF1:F4} vs regression {support:F4}");
    }

    [Fact]
    public void FrustratedCustomersAreCaughtOnTheSupportDevSplit()
    {
        var dev = fixture.Outcome.SupportDev;
        Assert.True(dev.Recall(Labels.Frustrated) >= 0.8, $"recall {dev.Recall(Labels.Frustrated):F3}");
        Assert.True(dev.Precision(Labels.Frustrated) >= 0.8, $"precision {dev.Precision(Labels.Frustrated):F3}");
        Assert.True(dev.MacroF1 >= 0.8, $"macro-F1 {dev.MacroF1:F3}");
    }

    [Theory]
    [InlineData("thanks for nothing")]
    [InlineData("wow, great job losing my parcel")]
    [InlineData("great, another week of waiting. love that for me")]
    [InlineData("great, another week of waiting")]
    [InlineData("oh wonderful, another delay")]
    public void SarcasticPraiseIsReadAsFrustration(string text)
    {
        // Every member reads these as praise (the first two at P(positive) 0.87 and 0.95 with the shipped model): the
        // probabilities of praise and frustration swap places, so the label and the mood meter agree with the customer.
        var prediction = fixture.Outcome.Model.Classify(text);
        Assert.Equal(Labels.Frustrated, prediction.Label);
        Assert.True(prediction.Probabilities[Labels.Frustrated] > prediction.Probabilities[Labels.Positive], $"{prediction.Probabilities[Labels.Frustrated]:F3}");
        Assert.Equal(1f, prediction.Probabilities.Sum(), 1e-5f);
    }

    [Theory]
    [InlineData("WHERE IS MY ORDER")]
    [InlineData("CANCEL MY SUBSCRIPTION NOW")]
    [InlineData("WHEN WILL MY PARCEL ARRIVE")]
    public void ShoutingAtTheCompanyIsReadAsFrustration(string text)
    {
        // The members read these as status questions and requests (the first at P(other) 0.70 with the shipped model):
        // shouted at the company, the neutral reading and frustration swap places.
        var prediction = fixture.Outcome.Model.Classify(text);
        Assert.Equal(Labels.Frustrated, prediction.Label);
        Assert.Equal(1f, prediction.Probabilities.Sum(), 1e-5f);
        Assert.Equal(Labels.Other, fixture.Outcome.Model.Classify(text.ToLowerInvariant()).Label);
    }

    [Fact]
    public void TheMajorityBaselineAnswersTheCommonestTrainingClass()
    {
        var majority = new MajorityClass([new("a", Labels.Other), new("b", Labels.Other), new("c", Labels.Positive)]);
        var matrix = majority.Score([new("x", Labels.Frustrated), new("y", Labels.Other)]);
        Assert.Equal(1, matrix[Labels.Frustrated, Labels.Other]);
        Assert.Equal(1, matrix[Labels.Other, Labels.Other]);
        Assert.Contains("other", majority.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void TheModelFileHoldsNoWallClockFigureAndRoundTrips()
    {
        using (var file = ParameterKit.SafeTensors.SafeTensorsFile.Open(fixture.ModelPath))
        {
            Assert.DoesNotContain(file.Metadata!.Keys, k => k.Contains("seconds", StringComparison.Ordinal) || k.Contains("elapsed", StringComparison.Ordinal));
            Assert.True(new FileInfo(fixture.ModelPath).Length <= 25_000_000, $"{new FileInfo(fixture.ModelPath).Length} bytes");
            // All three models are in the file, in bfloat16 (what keeps it under 25 MB), the word vectors included.
            Assert.All(file.Tensors, t => Assert.Equal(ParameterKit.Tensors.DType.BF16, t.DType));
            Assert.Contains(file.Tensors, t => t.Name.StartsWith("regression.", StringComparison.Ordinal));
            Assert.Contains(file.Tensors, t => t.Name == "words.vectors.weight");
            Assert.Equal(WordVectors.Shipped.Words, file.Metadata!["word_vocabulary"].Split('\n'));
        }
        var loaded = ModelFile.Load(fixture.ModelPath);
        foreach (string text in new[] { "I've been waiting 2 hours and nobody answers", "thank you so much!", "what time do you open?" })
        {
            Assert.Equal(fixture.Outcome.Model.Classify(text).Probabilities, loaded.Classify(text).Probabilities);
        }
    }

    [Fact]
    public void AFileClaimingANegativeOrHugeTableIsRefusedBeforeAnythingIsAllocated()
    {
        byte[] bytes = File.ReadAllBytes(fixture.ModelPath);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        string claimed = "\"tfidf_buckets\":\"" + TfidfRegressionOptions.DefaultBuckets + "\"";
        Assert.Contains(claimed, header, StringComparison.Ordinal);
        // Same length, so the header stays valid: only the claim changes.
        string hostile = header.Replace(claimed, "\"tfidf_buckets\":\"-" + TfidfRegressionOptions.DefaultBuckets.ToString()[1..] + "\"", StringComparison.Ordinal);
        System.Text.Encoding.UTF8.GetBytes(hostile).CopyTo(bytes, 8);
        string path = Path.Combine(fixture.Folder, "hostile-buckets.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("tfidf_buckets", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("word_filters", "16777216", "'words.head.1.weight' is [3, 384]")]
    [InlineData("word_widths", "16777216", "'word_widths' is 16777216; expected 1 to 16")]
    [InlineData("word_widths", "4", "'words.head.1.weight' is [3, 384] but the metadata implies [3, 512]")]
    [InlineData("channels", "16777216", "'embedding.weight' is")]
    [InlineData("hidden", "16777216", "'trunk.1.weight' is")]
    [InlineData("max_tokens", "16777216", "'max_tokens' is 16777216; expected 1 to 4096")]
    [InlineData("tfidf_buckets", "16777216", "'regression.idf.weight' is")]
    public void EverySizeTheMetadataClaimsMustMatchItsTensorBeforeAnythingIsAllocated(string key, string value, string expected)
    {
        // A claim sizes buffers and parameters; before the check, word_widths 16777216 allocated 13 GB over a minute and
        // word_filters 16777216 failed with an unexpected exception. The claim is rewritten and the header re-measured.
        string path = Path.Combine(fixture.Folder, $"hostile-{key}-{value}.safetensors");
        WriteWithMetadata(fixture.ModelPath, path, key, value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64_000_000, $"{allocated:N0} bytes allocated before the refusal");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void AThresholdThatIsNotAProbabilityIsRefusedAsCorrupt(string threshold)
    {
        // Before: NaN loaded and broke classify --json with an unexpected exception; -5 made every message frustrated.
        var model = ModelFile.Load(fixture.ModelPath);
        string path = Path.Combine(fixture.Folder, $"threshold-{threshold}.safetensors");
        ModelFile.Save(path, model, new Dictionary<string, string>());
        WriteWithMetadata(path, path, "frustration_threshold", threshold);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("is not a probability in [0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyTextsAreScoredInChunksWithTheBitsOfOneCall()
    {
        // Featurizing a 256 MB evaluation file at once took some 17 GB; chunks must not change a single probability.
        var model = ModelFile.Load(fixture.ModelPath);
        string[] words = ["refund", "still", "waiting", "thanks", "great", "!!", "charged", "twice", "where", "order", "lovely", "why"];
        var random = new Random(7);
        var texts = Enumerable.Range(0, 2 * SentimentClassifier.TextsPerChunk + 100)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => words[random.Next(words.Length)])))
            .ToList();
        float[] chunked = model.Probabilities(texts), whole = model.ProbabilitiesOfChunk(texts);
        Assert.Equal(whole.Select(BitConverter.SingleToInt32Bits), chunked.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void AMessageIsReadUpToItsFirstFourThousandCharacters()
    {
        // Before: a single word of a million letters took 136 s in evaluate (GPT-2's BPE is quadratic in a word's length).
        var model = ModelFile.Load(fixture.ModelPath);
        string huge = new string('a', 1_000_000), head = huge[..SentimentClassifier.MaxCharacters];
        Assert.Equal(model.Probabilities([head]), model.Probabilities([huge]));
        Assert.Equal(model.Classify(head).Probabilities, model.Classify(huge).Probabilities);
        string surrogates = string.Concat(Enumerable.Repeat("😀", 3000));   // 6,000 UTF-16 units
        Assert.False(char.IsHighSurrogate(SentimentClassifier.Capped(surrogates)[^1]));
    }

    [Fact]
    public void AWeightThatIsNotFiniteIsRefusedAsCorruptNamingIt()
    {
        // Before: a NaN weight loaded and every message came out "other" (or --json failed with an unexpected exception).
        var model = ModelFile.Load(fixture.ModelPath);
        model.Store.Parameters[^1].Value[0] = float.NaN;
        string path = Path.Combine(fixture.Folder, "nan-weight.safetensors");
        ModelFile.Save(path, model, new Dictionary<string, string>());
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains($"'{model.Store.Parameters[^1].Name}' holds a value that is not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWhoseWordTableDoesNotMatchItsVocabularyIsRefusedAsCorrupt()
    {
        byte[] bytes = File.ReadAllBytes(fixture.ModelPath);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        // Drop the first word ("the\n") and pad the header back to its length: the table now has one row too many.
        string hostile = header.Replace("\"word_vocabulary\":\"the\\n", "\"word_vocabulary\":\"", StringComparison.Ordinal);
        Assert.NotEqual(header, hostile);
        hostile = hostile.Insert(hostile.LastIndexOf('}'), new string(' ', header.Length - hostile.Length));
        System.Text.Encoding.UTF8.GetBytes(hostile).CopyTo(bytes, 8);
        string path = Path.Combine(fixture.Folder, "hostile-vocabulary.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("vectors.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameSeedWritesTheSameBytes()
    {
        var again = TrainingRecipe.Run(new RecipeOptions(Epochs: TrainedModelFixture.Epochs, Seed: TrainedModelFixture.Seed));
        string path = Path.Combine(fixture.Folder, "again.safetensors");
        ModelFile.Save(path, again.Model, TrainingRecipe.Metrics(again));
        Assert.Equal(File.ReadAllBytes(fixture.ModelPath), File.ReadAllBytes(path));
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="target"/> with metadata entry <paramref name="key"/> rewritten
    /// to <paramref name="value"/>, the header re-measured (and padded to 8 bytes) so the file stays well formed.
    /// </summary>
    private static void WriteWithMetadata(string source, string target, string key, string value)
    {
        byte[] bytes = File.ReadAllBytes(source);
        int length = (int)BitConverter.ToUInt64(bytes, 0);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, length);
        string claim = System.Text.RegularExpressions.Regex.Match(header, $"\"{key}\":\"[^\"]*\"").Value;
        Assert.NotEmpty(claim);
        string hostile = header.Replace(claim, $"\"{key}\":\"{value}\"", StringComparison.Ordinal);
        hostile += new string(' ', (8 - System.Text.Encoding.UTF8.GetByteCount(hostile) % 8) % 8);
        byte[] hostileHeader = System.Text.Encoding.UTF8.GetBytes(hostile);
        File.WriteAllBytes(target, [.. BitConverter.GetBytes((ulong)hostileHeader.Length), .. hostileHeader, .. bytes.AsSpan(8 + length)]);
    }
}
