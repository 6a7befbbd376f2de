using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.SyncWorker.Sync;

namespace PatternSync.SyncWorker.Rebuild;

/// <summary>
/// Rebuilds the index from PostgreSQL through <see cref="IPatternIndexRebuilds"/>: begin, backfill, complete (readers switch),
/// then catch up what changed meanwhile; a build failing before completion is abandoned. One at a time (an advisory lock).
/// </summary>
public sealed partial class IndexRebuilder(
    NpgsqlDataSource dataSource, PatternDbContext db, IPatternIndexRebuilds rebuilds, PatternSynchronizer synchronizer,
    IEmbeddingGenerator<string, Embedding<float>> embedder, IndexModelTarget target, ILogger<IndexRebuilder> logger)
{
    private const long AdvisoryLockKey = AdvisoryLocks.IndexRebuild;
    private const int BatchSize = 64;

    /// <summary>A deliberate reindex: this worker's model becomes the one the index is meant to hold, then the index is rebuilt.</summary>
    /// <returns>How many patterns the backfill wrote.</returns>
    public async Task<int> ReindexAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        await target.ChooseOwnAsync(cancellationToken);
        return await RebuildAsync(progress, cancellationToken);
    }

    /// <returns>How many patterns the backfill wrote.</returns>
    public async Task<int> RebuildAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AdvisoryLockAsync(lockConnection, "pg_try_advisory_lock", cancellationToken))
            throw new InvalidOperationException("Another rebuild is running.");
        try
        {
            return await RebuildLockedAsync(progress, cancellationToken);
        }
        finally
        {
            // Explicitly: a pooled connection keeps its session, and its locks, until it is next used.
            try
            {
                await AdvisoryLockAsync(lockConnection, "pg_advisory_unlock", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The connection broke during the rebuild: its session, and the lock, went with it.
            }
        }
    }

    private static async Task<bool> AdvisoryLockAsync(NpgsqlConnection connection, string function, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}({AdvisoryLockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<int> RebuildLockedAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var build = await rebuilds.BeginAsync(cancellationToken);
        LogStarted(build.Name);
        Dictionary<Guid, int> backfilled;
        try
        {
            backfilled = await BackfillAsync(build, progress, cancellationToken);
            await build.CompleteAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await AbandonAsync(build, e);
            throw;
        }
        var caughtUp = await CatchUpAsync(backfilled, cancellationToken);
        LogCompleted(backfilled.Count, build.Name, caughtUp);
        return backfilled.Count;
    }

    // Left behind, a half-built collection would take every writer's changes until the next rebuild drops it.
    private async Task AbandonAsync(IPatternIndexBuild build, Exception reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // also when the rebuild was cancelled
        try
        {
            await build.AbandonAsync(timeout.Token);
            LogAbandoned(reason, build.Name);
        }
        catch (Exception e)
        {
            LogNotAbandoned(e, build.Name);
        }
    }

    /// <returns>The version of each pattern it wrote.</returns>
    private async Task<Dictionary<Guid, int>> BackfillAsync(
        IPatternIndexBuild build, IProgress<(int, int)>? progress, CancellationToken cancellationToken)
    {
        var total = await db.Patterns.CountAsync(cancellationToken);
        var written = new Dictionary<Guid, int>();
        var after = Guid.Empty;
        while (true)
        {
            var rows = await db.Patterns
                .FromSql($"SELECT * FROM success_patterns WHERE pattern_id > {after} ORDER BY pattern_id LIMIT {BatchSize}")
                .AsNoTracking().ToListAsync(cancellationToken);
            if (rows.Count == 0) return written;
            var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList(),
                cancellationToken: cancellationToken);
            var points = rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList();
            await build.WriteAsync(points, cancellationToken);
            foreach (var row in rows) written[row.PatternId] = row.Version;
            after = rows[^1].PatternId;
            progress?.Report((written.Count, total));
        }
    }

    /// <summary>
    /// Old-model hosts write only into the old collection during a rollout, and in place a copy can land after a deletion:
    /// right after the switch, every pattern changed since its copy is synced again, through the events' synchronizer.
    /// </summary>
    /// <returns>How many patterns changed since the backfill copied them.</returns>
    private async Task<int> CatchUpAsync(IReadOnlyDictionary<Guid, int> backfilled, CancellationToken cancellationToken)
    {
        var current = await db.Patterns
            .Select(p => new { p.PatternId, p.Version })
            .ToDictionaryAsync(p => p.PatternId, p => p.Version, cancellationToken);
        var changed = current
            .Where(row => !backfilled.TryGetValue(row.Key, out var copied) || row.Value > copied)
            .Select(row => row.Key)
            .Concat(backfilled.Keys.Where(id => !current.ContainsKey(id)))
            .ToList();
        foreach (var chunk in changed.Chunk(BatchSize)) await synchronizer.SyncAsync(chunk, cancellationToken);
        return changed.Count;
    }

    [LoggerMessage(LogLevel.Information, "Index rebuild started into {Index}")]
    private partial void LogStarted(string index);

    [LoggerMessage(LogLevel.Information, "Index rebuild wrote {Count} patterns; readers now use {Index}, "
        + "and {CaughtUp} patterns changed meanwhile were synced into it")]
    private partial void LogCompleted(int count, string index, int caughtUp);

    [LoggerMessage(LogLevel.Error, "Index rebuild failed; gave up the half-built {Index}, readers and writers keep the live index")]
    private partial void LogAbandoned(Exception exception, string index);

    [LoggerMessage(LogLevel.Error, "Index rebuild failed and could not give up the half-built {Index}: "
        + "writers keep writing into it too until the next rebuild drops it")]
    private partial void LogNotAbandoned(Exception exception, string index);
}
