extern alias worker;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Core.Embeddings;

namespace SyncPipeline.IntegrationTests;

/// <summary>The REST API with its outbox relay, in-process, on the pipeline's services.</summary>
public sealed class ApiHost(PipelineFixture pipeline) : WebApplicationFactory<Program>
{
    public const int OutboxMaxAttempts = 3;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        pipeline.ApplySettings(builder);
        builder.UseSetting("Outbox:PollInterval", "00:00:00.500");
        builder.UseSetting("Outbox:MaxRetryDelay", "00:00:02");
        builder.UseSetting("Outbox:PublishTimeout", "00:00:03");
        builder.UseSetting("Outbox:MaxAttempts", OutboxMaxAttempts.ToString());
    }
}

/// <summary>
/// A sync worker, in-process; its embedder (the pipeline's unless given) counts texts, may be slowed down, and fails on a
/// poison text.
/// </summary>
public sealed class WorkerHost(
    PipelineFixture pipeline, TimeSpan embedDelay, IEmbeddingGenerator<string, Embedding<float>>? embedder = null)
    : WebApplicationFactory<worker::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        pipeline.ApplySettings(builder);
        builder.UseSetting("Sync:RetryMaxInterval", "00:00:02");
        builder.ConfigureTestServices(services =>
        {
            var batching = new BatchingEmbeddingGenerator(embedder ?? pipeline.Embedder, 64);
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
                new PoisonEmbeddingGenerator(new CountingEmbeddingGenerator(batching, embedDelay)));
        });
    }

    public WorkerHost Start()
    {
        _ = Server;
        return this;
    }

    /// <summary>
    /// Stops consuming first, as a host's graceful shutdown does: in-flight batches finish, prefetched
    /// events go back to the queue. (Disposing the factory alone tears the container down under the bus.)
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await Services.GetRequiredService<MassTransit.IBusControl>().StopAsync();
        await base.DisposeAsync();
    }
}
