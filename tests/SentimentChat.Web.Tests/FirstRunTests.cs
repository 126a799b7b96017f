using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentChat.Model;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>
/// With no model given, the server uses the cached one or trains it on a first run; Ctrl+C (the host stopping) ends
/// that training and saves nothing. It used to train on for up to a minute, save, and only then stop.
/// </summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class FirstRunTests(TrainedClassifierFixture model) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sentimentchat-web-first-run-").FullName;

    private string CachePath => Path.Combine(_folder, "model.safetensors");

    [Fact]
    public void A_cached_model_is_used_without_training()
    {
        ModelFile.Save(CachePath, model.Classifier.Model, new Dictionary<string, string>());
        var log = new StringWriter();
        var loaded = ModelSource.LoadOrTrain(null, CachePath, log);
        Assert.Equal(model.Classifier.Model.Shape, loaded.Shape);
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Cancelled_training_saves_nothing()
    {
        var log = new StringWriter();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelSource.LoadOrTrain(null, CachePath, log, new CancellationToken(canceled: true)));
        Assert.Contains("training one now", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("Ctrl+C stops", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(CachePath));
    }

    [Fact]
    public async Task A_server_stopping_before_its_first_model_is_trained_stops_the_training()
    {
        var options = new WebChatOptions { Port = 0, CachedModelPath = CachePath };
        await using var app = ChatServer.Create(options, log: new StringWriter());
        await app.StartAsync();
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();   // what Ctrl+C does

        Assert.ThrowsAny<OperationCanceledException>(() => app.Services.GetRequiredService<SharedClassifier>());
        Assert.False(File.Exists(CachePath));
        await app.StopAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
