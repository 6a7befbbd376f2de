using Npgsql;
using PatternSync.Core.Persistence;

namespace PatternApi.FunctionalTests;

/// <summary>The relay's pruning of sent outbox rows, through the shared bounded delete.</summary>
public sealed class ExpiredRowsTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sent_rows_past_the_cutoff_go_in_batches_and_unsent_or_recent_ones_stay()
    {
        var cutoff = DateTimeOffset.UtcNow.AddDays(-1);
        // 5 sent long ago, 1 sent recently, 2 never sent (created long ago).
        await api.Database.ExecuteAsync("""
            INSERT INTO outbox_messages (message_id, message_type, payload, pattern_id, pattern_version, created_at, sent_at, attempts)
            SELECT gen_random_uuid(), 'PatternCreated', '{}', gen_random_uuid(), 1, now() - interval '3 days',
                   CASE WHEN n <= 5 THEN now() - interval '2 days' WHEN n = 6 THEN now() END, 0
            FROM generate_series(1, 8) AS n
            """);
        await using var dataSource = NpgsqlDataSource.Create(api.Database.ConnectionString);

        Assert.Equal(5,
            await ExpiredRows.DeleteAsync(dataSource, "outbox_messages", "sent_at", cutoff, batchSize: 2, CancellationToken.None));
        Assert.Equal(3L, await api.Database.CountAsync("outbox_messages"));
        Assert.Equal(2L, await api.Database.CountUnsentAsync());
        Assert.Equal(0,
            await ExpiredRows.DeleteAsync(dataSource, "outbox_messages", "sent_at", cutoff, batchSize: 2, CancellationToken.None));
    }
}
