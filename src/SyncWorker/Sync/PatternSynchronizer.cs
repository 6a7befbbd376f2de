using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;

namespace PatternSync.SyncWorker.Sync;

/// <summary>
/// Makes the index hold the current state of the given patterns, whatever events named them:
/// an event is only a notification. Reads the rows, compares each with what the index holds, and
/// embeds only when the embedded text changed (content hash); otherwise the payload alone is
/// updated, and a row that is gone is deleted from the index. Writes are version-guarded by the
/// index, so running this twice, concurrently, or with a stale read changes nothing wrongly.
/// </summary>
public sealed partial class PatternSynchronizer(
    PatternDbContext db,
    NpgsqlDataSource dataSource,
    IPatternVectorIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<PatternSynchronizer> logger)
{
    public async Task<SyncResult> SyncAsync(IReadOnlyCollection<Guid> patternIds, CancellationToken cancellationToken)
    {
        var ids = patternIds.Distinct().ToList();
        var rows = await db.Patterns.AsNoTracking().Where(p => ids.Contains(p.PatternId)).ToListAsync(cancellationToken);
        var gone = ids.Except(rows.Select(r => r.PatternId)).ToList();
        var held = await index.GetAsync(rows.Select(r => r.PatternId).ToList(), cancellationToken);

        var toEmbed = new List<SuccessPattern>();
        var payloadOnly = new List<SuccessPattern>();
        var indexedVersions = new Dictionary<Guid, int>();
        foreach (var row in rows)
        {
            held.TryGetValue(row.PatternId, out var point);
            if (point is not null && (point.Version > row.Version || (point.Version == row.Version && point.ContentHash == row.ContentHash)))
                indexedVersions[row.PatternId] = point.Version;
            else if (point is not null && point.ContentHash == row.ContentHash) payloadOnly.Add(row);
            else toEmbed.Add(row);
        }

        await EmbedAsync(toEmbed, cancellationToken);
        var refused = await SetPayloadsAsync(payloadOnly, cancellationToken);
        await EmbedAsync(refused, cancellationToken);
        toEmbed.AddRange(refused);
        payloadOnly.RemoveAll(refused.Contains);
        await index.DeleteUnconditionallyAsync(gone, cancellationToken);

        // A deletion may commit between our read and our write, and a write re-creates a point that
        // the deletion's own event already removed. Pattern ids are never reused, so a row that is
        // gone now means the point goes too.
        var written = toEmbed.Concat(payloadOnly).Select(r => r.PatternId).ToList();
        var stillThere = await db.Patterns.AsNoTracking().Where(p => written.Contains(p.PatternId)).Select(p => p.PatternId).ToListAsync(cancellationToken);
        var vanished = written.Except(stillThere).ToList();
        await index.DeleteUnconditionallyAsync(vanished, cancellationToken);

        foreach (var row in toEmbed.Concat(payloadOnly).Where(r => !vanished.Contains(r.PatternId)))
            indexedVersions[row.PatternId] = row.Version;
        await RecordIndexedAsync(indexedVersions, cancellationToken);

        var result = new SyncResult(toEmbed.Count, payloadOnly.Count, gone.Count + vanished.Count, rows.Count - toEmbed.Count - payloadOnly.Count);
        LogSynced(ids.Count, result.Embedded, result.PayloadOnly, result.Deleted, result.AlreadyCurrent);
        return result;
    }

    private async Task EmbedAsync(IReadOnlyList<SuccessPattern> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList(), cancellationToken: cancellationToken);
        // The same version means the same row, so replacing it is safe; it repairs a point whose payload was damaged.
        await index.UpsertAsync(rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList(),
            replaceSameVersion: true, cancellationToken);
    }

    /// <returns>The rows whose point took another text since it was compared, so the index refused to keep its vector: they need an embedding.</returns>
    private async Task<List<SuccessPattern>> SetPayloadsAsync(IReadOnlyList<SuccessPattern> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return [];
        await index.SetPayloadAsync(rows.Select(PatternPayload.From).ToList(), cancellationToken: cancellationToken);
        var held = await index.GetAsync(rows.Select(r => r.PatternId).ToList(), cancellationToken);
        return rows.Where(row => !held.TryGetValue(row.PatternId, out var point) || point.Version < row.Version).ToList();
    }

    /// <summary>Records what the index holds; only ever moves indexed_version forward.</summary>
    private async Task RecordIndexedAsync(IReadOnlyDictionary<Guid, int> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            UPDATE success_patterns p SET indexed_version = v.version, indexed_at = now()
            FROM unnest(@ids, @versions) AS v(id, version)
            WHERE p.pattern_id = v.id AND (p.indexed_version IS NULL OR p.indexed_version < v.version)
            """);
        command.Parameters.AddWithValue("ids", versions.Keys.ToArray());
        command.Parameters.AddWithValue("versions", versions.Values.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "Synced {Patterns} patterns: {Embedded} embedded, {PayloadOnly} payload-only, {Deleted} deleted, {Current} already current")]
    private partial void LogSynced(int patterns, int embedded, int payloadOnly, int deleted, int current);
}
