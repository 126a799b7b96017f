using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

public sealed class ClassifierStepAllocationTests
{
    [Fact]
    public void ATrainingStepAllocatesNothingOnceWarm()
    {
        var model = new SentimentClassifier(new ModelShape(MaxTokens: 16, BigramBuckets: 64, CharGramBuckets: 64, MaxCharGrams: 32, Channels: 8, Hidden: 8));
        model.Store.Materialize(seed: 3);
        var batch = Corpus.Encode(model, [
            new LabeledText("WHY was I charged twice???", Labels.Frustrated),
            new LabeledText("thanks, that fixed it", Labels.Positive),
            new LabeledText("what time do you open on sunday", Labels.Other),
        ]);
        var task = new ClassificationTask(model, [1f, 1f, 1f]);
        task.TrainBatch(batch);
        task.TrainBatch(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        task.TrainBatch(batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
