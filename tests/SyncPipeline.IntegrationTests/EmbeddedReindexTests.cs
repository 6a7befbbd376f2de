extern alias worker;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Postgres;
using worker::PatternSync.SyncWorker.Rebuild;
using worker::PatternSync.SyncWorker.Sync;

namespace SyncPipeline.IntegrationTests;

/// <summary>A rebuild of the embedded index, which re-embeds in place while the pipeline keeps syncing.</summary>
[Collection(PostgresPipeline.Name)]
public sealed class EmbeddedReindexTests(PostgresPipelineFixture pipeline)
{
    private readonly HttpClient _client = pipeline.Api.CreateClient();

    [Fact]
    public async Task A_pattern_deleted_while_the_rebuild_embeds_it_stays_deleted()
    {
        var deleted = await pipeline.CreatePatternAsync(_client, "Reindex: deleted while its copy is being embedded");
        await pipeline.ConvergedAsync([deleted]);
        // The backfill has read the row; before it writes the copy, the pattern is deleted and the worker removes its point.
        var deleteMidBatch = new DelegatingStep(pipeline.Embedder, async () =>
        {
            (await _client.DeleteAsync($"/api/v1/patterns/{deleted}")).EnsureSuccessStatusCode();
            await pipeline.ConvergedAsync([deleted]);
        });

        await using var scope = pipeline.Worker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PatternDbContext>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var synchronizer = new PatternSynchronizer(db, dataSource, pipeline.Index, pipeline.Embedder,
            services.GetRequiredService<ILogger<PatternSynchronizer>>());
        var rebuilder = new IndexRebuilder(dataSource, db, new PostgresIndexRebuilds(pipeline.Index), synchronizer, deleteMidBatch,
            services.GetRequiredService<IndexModelTarget>(), services.GetRequiredService<ILogger<IndexRebuilder>>());
        await rebuilder.RebuildAsync(null, CancellationToken.None);

        Assert.Null(await pipeline.StoredPointAsync(deleted));
        Assert.Empty(await pipeline.Index.GetAsync([deleted]));
    }

    /// <summary>Runs a step of the test the first time it is asked for embeddings, then embeds as usual.</summary>
    private sealed class DelegatingStep(IEmbeddingGenerator<string, Embedding<float>> inner, Func<Task> step)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private int _calls;

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) == 1) await step();
            return await base.GenerateAsync(values, options, cancellationToken);
        }

        protected override void Dispose(bool disposing) { }
    }
}
