using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using PatternSync.ServiceDefaults;
using PatternSync.Core.Observability;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>The API with a readiness check that counts its runs and an embedder that counts its calls.</summary>
public sealed class CountedProbesApiFixture : PatternApiFixture
{
    private int _checkRuns;
    private int _embeddings;

    public int CheckRuns => Volatile.Read(ref _checkRuns);
    public int Embeddings => Volatile.Read(ref _embeddings);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Health:CacheDuration"] = "00:00:02",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddHealthChecks().AddCheck("counted", () =>
            {
                Interlocked.Increment(ref _checkRuns);
                return HealthCheckResult.Healthy();
            }, [HealthTags.Ready]);
            var embedder = services.Single(s => s.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
            services.Remove(embedder);
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider =>
                new CountingEmbedder(
                    (IEmbeddingGenerator<string, Embedding<float>>)embedder.ImplementationFactory!(provider),
                    () => Interlocked.Increment(ref _embeddings)));
        });
    }

    private sealed class CountingEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, Action counted)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            counted();
            return base.GenerateAsync(values, options, cancellationToken);
        }
    }
}

/// <summary>/health/ready is cheap: cached for a few seconds, no embedding per probe, no table scans.</summary>
public sealed class HealthProbeTests(CountedProbesApiFixture api) : IClassFixture<CountedProbesApiFixture>
{
    [Fact]
    public async Task Probes_within_the_cache_window_share_one_check_run_and_later_ones_refresh_it()
    {
        var client = api.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync("/health/ready")));
        Assert.Equal(1, api.CheckRuns);

        // Past the window a probe runs the checks again.
        await Eventually.UntilAsync(async () => { await client.GetAsync("/health/ready"); return api.CheckRuns >= 2; },
            TimeSpan.FromSeconds(30), "a probe after the cache window to run the checks again");
        // The embedder check ran the model once: its probe interval (a minute) is longer than the window.
        Assert.Equal(1, api.Embeddings);
        Assert.Equal("Healthy", await Eventually.ValueAsync(
            async () => await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync(),
            body => body == "Healthy", TimeSpan.FromSeconds(30), "/health/ready to be Healthy"));
    }

    [Fact]
    public async Task The_readiness_lag_query_reads_partial_indexes_not_the_tables()
    {
        await using var connection = new NpgsqlConnection(api.Database.ConnectionString);
        await connection.OpenAsync();
        // Rows of every kind, so the plan is not one for empty tables.
        using (var client = api.CreateClient())
            for (var i = 0; i < 3; i++) await client.CreateAsync(PatternBodies.Example($"Lag plan {i} {Guid.NewGuid():N}"));
        const string indexFirst = "UPDATE success_patterns SET indexed_version = version WHERE name LIKE 'Lag plan 0%'; ANALYZE";
        await using (var analyze = new NpgsqlCommand(indexFirst, connection))
            await analyze.ExecuteNonQueryAsync();

        await using var explain = new NpgsqlCommand($"SET enable_seqscan = off; EXPLAIN (FORMAT JSON) {SyncStatus.LagQuery}", connection);
        var plan = (string)(await explain.ExecuteScalarAsync())!;

        Assert.Contains("\"Index Name\": \"ix_success_patterns_not_indexed\"", plan);
        Assert.Contains("\"Index Name\": \"ix_outbox_messages_unsent\"", plan);
        Assert.DoesNotContain("Seq Scan", plan);
        Assert.DoesNotContain("Aggregate", plan); // no count(*)
    }
}
