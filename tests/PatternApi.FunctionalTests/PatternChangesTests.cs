using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PatternSync.Contracts;
using PatternSync.Core.Patterns;
using PatternSync.PatternApi.Patterns;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary><see cref="PatternChanges"/> called as the MCP tools will call it: plain values in, a result out, no HTTP.</summary>
public sealed class PatternChangesTests(PatternApiFixture api) : IClassFixture<PatternApiFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => api.Database.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Concurrent_outcomes_on_one_pattern_are_all_counted_each_with_its_own_outbox_row()
    {
        var created = await ChangeAsync(changes => changes.CreateAsync(PatternBodies.Example(), key: null, CancellationToken.None));
        var id = Assert.IsType<PatternChangeResult.Written>(created).Pattern.PatternId;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ChangeAsync(changes =>
            changes.RecordOutcomeAsync(id, new OutcomeReport(i % 4 != 0), caller: null, key: null, CancellationToken.None))));

        Assert.All(outcomes, outcome => Assert.IsType<PatternChangeResult.Written>(outcome));
        await using var db = api.Database.CreateDbContext();
        var pattern = await db.Patterns.SingleAsync(p => p.PatternId == id);
        Assert.Equal((8, 6, 2, 0.75), (pattern.MatchCount, pattern.SuccessCount, pattern.FailureCount, pattern.SuccessRate));
        Assert.Equal(9, pattern.Version);
        var versions = await db.OutboxMessages.Where(m => m.MessageType == nameof(PatternOutcomeRecorded))
            .Select(m => m.PatternVersion).OrderBy(v => v).ToListAsync();
        Assert.Equal(Enumerable.Range(2, 8), versions);
    }

    [Fact]
    public async Task A_deletion_is_one_version_past_the_row_with_one_outbox_row()
    {
        var created = await ChangeAsync(changes => changes.CreateAsync(PatternBodies.Example(), key: null, CancellationToken.None));
        var id = Assert.IsType<PatternChangeResult.Written>(created).Pattern.PatternId;

        Assert.IsType<PatternChangeResult.VersionConflict>(
            await ChangeAsync(changes => changes.DeleteAsync(id, expectedVersion: 2, CancellationToken.None)));
        Assert.IsType<PatternChangeResult.Deleted>(await ChangeAsync(changes => changes.DeleteAsync(id, 1, CancellationToken.None)));
        Assert.IsType<PatternChangeResult.NotFound>(await ChangeAsync(changes => changes.DeleteAsync(id, null, CancellationToken.None)));

        await using var db = api.Database.CreateDbContext();
        Assert.False(await db.Patterns.AnyAsync(p => p.PatternId == id));
        var deleted = await db.OutboxMessages.SingleAsync(m => m.MessageType == nameof(PatternDeleted));
        Assert.Equal(2, deleted.PatternVersion);
    }

    /// <summary>Each call in a scope of its own, as each request or tool call has.</summary>
    private async Task<PatternChangeResult> ChangeAsync(Func<PatternChanges, Task<PatternChangeResult>> change)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await change(scope.ServiceProvider.GetRequiredService<PatternChanges>());
    }
}
