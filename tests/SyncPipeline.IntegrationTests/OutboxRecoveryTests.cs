using Microsoft.EntityFrameworkCore;
using PatternSync.Testing;

namespace SyncPipeline.IntegrationTests;

/// <summary>
/// Rows the relay could not publish during a broker outage sit in their retry backoff (up to
/// Outbox:MaxRetryDelay after a long outage). The broker's return, not the end of that backoff,
/// must release them.
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
            await Eventually.UntilAsync(async () => await FailedUnsentAsync(ids) == ids.Count, PipelineFixture.Settle, "the relay to fail to publish them");

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

    private async Task<int> FailedUnsentAsync(List<Guid> ids)
    {
        await using var db = pipeline.Database.CreateDbContext();
        return await db.OutboxMessages.CountAsync(m => ids.Contains(m.PatternId) && m.SentAt == null && m.Attempts > 0);
    }
}
