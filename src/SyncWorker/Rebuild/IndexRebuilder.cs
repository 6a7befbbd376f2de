using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;

namespace PatternSync.SyncWorker.Rebuild;

/// <summary>
/// Rebuilds the index from PostgreSQL with the configured embedder, e.g. after changing the HNSW or
/// quantization settings or the embedding model. On Qdrant it builds a new collection while matching
/// keeps reading the old one: every writer also writes new changes into the collection being built,
/// the backfill fills in the rest (version-guarded, so it never overwrites a newer change), and one
/// atomic alias operation switches readers over. On the embedded index it re-embeds in place.
/// One rebuild at a time across workers (a PostgreSQL advisory lock).
/// </summary>
public sealed partial class IndexRebuilder(
    NpgsqlDataSource dataSource, PatternDbContext db, IPatternVectorIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder, ILogger<IndexRebuilder> logger)
{
    private const long AdvisoryLockKey = 0x5061_7474_5379_6e63; // "PattSync"
    private const int BatchSize = 64;

    /// <returns>How many patterns the backfill wrote.</returns>
    public async Task<int> RebuildAsync(IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", lockConnection))
            if (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
                throw new InvalidOperationException("Another rebuild is running.");

        if (index is QdrantPatternIndex qdrant)
        {
            var collection = await qdrant.BeginRebuildAsync(cancellationToken);
            LogStarted(collection);
            // From here on every writer has noticed the building alias and writes each new change there too.
            await Task.Delay(QdrantPatternIndex.RoutesRefresh * 2, cancellationToken);
            var written = await BackfillAsync(points => qdrant.UpsertIntoAsync(collection, points, cancellationToken), progress, cancellationToken);
            await qdrant.CompleteRebuildAsync(collection, cancellationToken);
            LogCompleted(written, collection);
            return written;
        }
        var count = await BackfillAsync(points => index.UpsertAsync(points, replaceSameVersion: true, cancellationToken), progress, cancellationToken);
        LogCompleted(count, "the embedded index");
        return count;
    }

    private async Task<int> BackfillAsync(Func<IReadOnlyCollection<PatternPoint>, Task> write, IProgress<(int, int)>? progress, CancellationToken cancellationToken)
    {
        var total = await db.Patterns.CountAsync(cancellationToken);
        var done = 0;
        var after = Guid.Empty;
        while (true)
        {
            var rows = await db.Patterns.FromSql($"SELECT * FROM success_patterns WHERE pattern_id > {after} ORDER BY pattern_id LIMIT {BatchSize}")
                .AsNoTracking().ToListAsync(cancellationToken);
            if (rows.Count == 0) return done;
            var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList(), cancellationToken: cancellationToken);
            await write(rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList());
            done += rows.Count;
            after = rows[^1].PatternId;
            progress?.Report((done, total));
        }
    }

    [LoggerMessage(LogLevel.Information, "Index rebuild started into {Collection}")]
    private partial void LogStarted(string collection);

    [LoggerMessage(LogLevel.Information, "Index rebuild wrote {Count} patterns; readers now use {Target}")]
    private partial void LogCompleted(int count, string target);
}
