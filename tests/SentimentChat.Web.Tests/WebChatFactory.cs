using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>
/// The real app (its entry point, command line and all) on an in-memory server, with the run's trained classifier,
/// the test's limits and a clock the test moves.
/// </summary>
public sealed class WebChatFactory(SharedClassifier classifier, WebChatOptions options, TimeProvider time) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(classifier);
            services.AddSingleton(options);
            services.AddSingleton(time);
        });
    }
}
