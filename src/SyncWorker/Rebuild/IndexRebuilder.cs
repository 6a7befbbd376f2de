using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.SyncWorker.Sync;

namespace PatternSync.SyncWorker.Rebuild;

/// <summary>
/// Rebuilds the index from PostgreSQL with the configured embedder, e.g. after changing the HNSW or
/// quantization settings or the embedding model. On Qdrant it builds a new collection while matching
/// keeps reading the old one: every writer on the same model also writes new changes into the
/// collection being built, the backfill fills in the rest (version-guarded, so it never overwrites a
/// newer change), one atomic alias operation switches readers over, and a catch-up brings across what
/// hosts on another model changed meanwhile. A failed rebuild drops its half-built collection.
/// On the embedded index it re-embeds in place, then catches up the same way. One rebuild at a time across workers (a PostgreSQL
/// advisory lock).
/// </summary>
public sealed partial class IndexRebuilder(
    NpgsqlDataSource dataSource, PatternDbContext db, IPatternVectorIndex index, PatternSynchronizer synchronizer,
    IEmbeddingGenerator<string, Embedding<float>> embedder, IndexModelTarget target, ILogger<IndexRebuilder> logger)
{
    private const long AdvisoryLockKey = AdvisoryLocks.IndexRebuild;
    private const int BatchSize = 64;

    /// <summary>A deliberate reindex: this worker's model becomes the one the index is meant to hold, then the index is rebuilt for it.</summary>
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
        if (index is QdrantPatternIndex qdrant)
        {
            // Under the lock no other rebuild runs: a collection still being built is what a killed one left.
            if (await qdrant.BuildingCollectionAsync(cancellationToken) is { } leftover)
            {
                LogLeftover(leftover);
                await qdrant.AbandonRebuildAsync(leftover, cancellationToken);
            }
            var collection = await qdrant.BeginRebuildAsync(cancellationToken);
            LogStarted(collection);
            Dictionary<Guid, int> backfilled;
            try
            {
                // From here on every writer on this model has noticed the building alias and writes each new change there too.
                await Task.Delay(QdrantPatternIndex.RoutesRefresh * 2, cancellationToken);
                backfilled = await BackfillAsync(points => qdrant.UpsertIntoAsync(collection, points, cancellationToken), progress, cancellationToken);
                await qdrant.CompleteRebuildAsync(collection, cancellationToken);
            }
            catch (Exception e)
            {
                await AbandonAsync(qdrant, collection, e);
                throw;
            }
            var caughtUp = await CatchUpAsync(backfilled, cancellationToken);
            LogSwitched(backfilled.Count, caughtUp, collection);
            return backfilled.Count;
        }
        // In place, the backfill's write can bring back a pattern deleted after it read the row: the catch-up removes it again.
        var written = await BackfillAsync(points => index.UpsertAsync(points, replaceSameVersion: true, cancellationToken), progress, cancellationToken);
        var changed = await CatchUpAsync(written, cancellationToken);
        LogCompleted(written.Count, changed);
        return written.Count;
    }

    // Left behind, a half-built collection would take every writer's changes forever and block the next rebuild.
    private async Task AbandonAsync(QdrantPatternIndex qdrant, string collection, Exception reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // also when the rebuild was cancelled
        try
        {
            await qdrant.AbandonRebuildAsync(collection, timeout.Token);
            LogAbandoned(reason, collection);
        }
        catch (Exception e)
        {
            LogNotAbandoned(e, collection, qdrant.BuildingAlias);
        }
    }

    /// <returns>The version of each pattern it wrote.</returns>
    private async Task<Dictionary<Guid, int>> BackfillAsync(Func<IReadOnlyCollection<PatternPoint>, Task> write, IProgress<(int, int)>? progress, CancellationToken cancellationToken)
    {
        var total = await db.Patterns.CountAsync(cancellationToken);
        var written = new Dictionary<Guid, int>();
        var after = Guid.Empty;
        while (true)
        {
            var rows = await db.Patterns.FromSql($"SELECT * FROM success_patterns WHERE pattern_id > {after} ORDER BY pattern_id LIMIT {BatchSize}")
                .AsNoTracking().ToListAsync(cancellationToken);
            if (rows.Count == 0) return written;
            var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList(), cancellationToken: cancellationToken);
            await write(rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList());
            foreach (var row in rows) written[row.PatternId] = row.Version;
            after = rows[^1].PatternId;
            progress?.Report((written.Count, total));
        }
    }

    /// <summary>
    /// Hosts still on the old model while a change of embedder rolls out write only into the old collection,
    /// so what they synced after the backfill copied a pattern (a newer version, a delete) never reached the
    /// new one; in place, a copy can land after the pattern's deletion. Right after the switch (or the in-place
    /// backfill), every pattern that changed since its copy is synced, through the synchronizer the events use
    /// (it writes only what the index lacks).
    /// </summary>
    /// <returns>How many patterns changed since the backfill copied them.</returns>
    private async Task<int> CatchUpAsync(IReadOnlyDictionary<Guid, int> backfilled, CancellationToken cancellationToken)
    {
        var current = await db.Patterns.Select(p => new { p.PatternId, p.Version }).ToDictionaryAsync(p => p.PatternId, p => p.Version, cancellationToken);
        var changed = current.Where(row => !backfilled.TryGetValue(row.Key, out var copied) || row.Value > copied).Select(row => row.Key)
            .Concat(backfilled.Keys.Where(id => !current.ContainsKey(id)))
            .ToList();
        foreach (var chunk in changed.Chunk(BatchSize)) await synchronizer.SyncAsync(chunk, cancellationToken);
        return changed.Count;
    }

    [LoggerMessage(LogLevel.Information, "Index rebuild started into {Collection}")]
    private partial void LogStarted(string collection);

    [LoggerMessage(LogLevel.Information, "Index rebuild wrote {Count} patterns; readers now use {Collection}, and {CaughtUp} patterns changed meanwhile were synced into it")]
    private partial void LogSwitched(int count, int caughtUp, string collection);

    [LoggerMessage(LogLevel.Warning, "Dropping {Collection}, left half-built by a rebuild that did not finish")]
    private partial void LogLeftover(string collection);

    [LoggerMessage(LogLevel.Error, "Index rebuild failed; dropped the half-built {Collection}, readers and writers keep the live collection")]
    private partial void LogAbandoned(Exception exception, string collection);

    [LoggerMessage(LogLevel.Error, "Index rebuild failed and could not drop the half-built {Collection}: delete the alias {BuildingAlias} and that collection before the next rebuild")]
    private partial void LogNotAbandoned(Exception exception, string collection, string buildingAlias);

    [LoggerMessage(LogLevel.Information, "Index rebuild re-embedded {Count} patterns in the embedded index, and synced {CaughtUp} patterns changed meanwhile")]
    private partial void LogCompleted(int count, int caughtUp);
}
