using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// Rows the relay could not publish during a broker outage sit in their retry backoff (up to
/// Outbox:MaxRetryDelay after a long outage). The broker's return, not the end of that backoff,
/// must release them. A row that can never be published must not hold its pattern back.
/// </summary>
[Collection(PostgresPipeline.Name)]
public sealed class OutboxRecoveryTests(PostgresPipelineFixture pipeline)
{
    [Fact]
    public async Task Rows_waiting_out_their_backoff_are_published_as_soon_as_the_broker_returns()
    {
        var client = pipeline.Api.CreateClient();
        var ids = new List<Guid>();
        await pipeline.RabbitMq.StopBrokerAsync();
        try
        {
            for (var i = 0; i < 5; i++)
                ids.Add(await pipeline.CreatePatternAsync(client, $"Written during a broker outage {i}"));
            await Eventually.UntilAsync(async () => await FailedUnsentAsync(ids) == ids.Count,
                PipelineFixture.Settle, "the relay to fail to publish them");

            // Far beyond the test's settle deadline: only the broker's return can release these rows in time.
            await using var db = pipeline.Database.CreateDbContext();
            await db.OutboxMessages.Where(m => ids.Contains(m.PatternId) && m.SentAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddHours(1)));
        }
        finally
        {
            await pipeline.RabbitMq.StartBrokerAsync();
        }

        await pipeline.ConvergedAsync(ids);
        Assert.Equal(0, await FailedUnsentAsync(ids));
    }

    [Fact]
    public async Task Rows_that_can_never_be_published_become_dead_letters_and_let_the_patterns_later_rows_through()
    {
        var client = pipeline.Api.CreateClient();
        var id = await pipeline.CreatePatternAsync(client, "Outbox: a pattern with rows that cannot be published");
        await pipeline.ConvergedAsync([id]);
        var deadBefore = (await StatusAsync(client))["outbox"]!["dead_letters"]!.GetValue<long>();
        // A type no relay knows, and a payload that does not read as its type (as a newer or broken writer would leave).
        await pipeline.Database.ExecuteAsync($$"""
            INSERT INTO outbox_messages (message_id, message_type, payload, pattern_id, pattern_version, created_at, attempts)
            VALUES ('{{Guid.NewGuid()}}', 'PatternExploded', '{}', '{{id}}', 1, now(), 0),
                   ('{{Guid.NewGuid()}}', 'PatternUpdated', '{"pattern_id": "not a uuid"}', '{{id}}', 1, now(), 0)
            """);
        await PipelineFixture.PatchAsync(client, id, """{"description": "Written after two rows that can never be published."}""");

        await pipeline.ConvergedAsync([id]);
        await using var db = pipeline.Database.CreateDbContext();
        var dead = await db.OutboxMessages.Where(m => m.PatternId == id && m.DeadLetteredAt != null).ToListAsync();
        Assert.Equal(2, dead.Count);
        Assert.All(dead, m => Assert.Equal(ApiHost.OutboxMaxAttempts, m.Attempts));
        var outbox = (await StatusAsync(client))["outbox"]!;
        Assert.Equal(deadBefore + 2, outbox["dead_letters"]!.GetValue<long>());
        Assert.Equal(0, outbox["backlog"]!.GetValue<long>());
        Assert.Contains("pattern_outbox_dead_letters ", await client.GetStringAsync("/metrics"));
    }

    private static async Task<JsonObject> StatusAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/sync/status"))!;

    private async Task<int> FailedUnsentAsync(List<Guid> ids)
    {
        await using var db = pipeline.Database.CreateDbContext();
        return await db.OutboxMessages.CountAsync(m => ids.Contains(m.PatternId) && m.SentAt == null && m.LastError != null);
    }
}
