using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Npgsql;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;

namespace PatternSync.SyncWorker.Sync;

/// <summary>
/// Makes the index hold the current state of the given patterns (an event is only a notification): embeds only when the
/// content hash changed, else sets the payload, and deletes gone rows. Writes are version-guarded, so reruns and races are harmless.
/// </summary>
public sealed partial class PatternSynchronizer(
    PatternDbContext db,
    NpgsqlDataSource dataSource,
    IPatternVectorIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    ILogger<PatternSynchronizer> logger)
{
    public async Task SyncAsync(IReadOnlyCollection<Guid> patternIds, CancellationToken cancellationToken)
    {
        var ids = patternIds.Distinct().ToList();
        var rows = await db.Patterns.AsNoTracking().Where(p => ids.Contains(p.PatternId)).ToListAsync(cancellationToken);
        var plan = Compare(rows, await index.GetAsync(rows.Select(r => r.PatternId).ToList(), cancellationToken));
        await WriteAsync(plan, cancellationToken);
        var gone = ids.Except(rows.Select(r => r.PatternId)).ToList();
        await index.DeleteUnconditionallyAsync(gone, cancellationToken);
        var vanished = await DeleteVanishedAsync(plan.Written, cancellationToken);
        await RecordIndexedAsync(plan.IndexedVersions(vanished), cancellationToken);
        LogSynced(ids.Count, plan.ToEmbed.Count, plan.PayloadOnly.Count, gone.Count + vanished.Count, plan.AlreadyCurrent.Count);
    }

    /// <summary>
    /// A point at a newer version, or at the row's version and text, is current; a point of the same text needs
    /// its payload only; any other row needs an embedding.
    /// </summary>
    private static SyncPlan Compare(IReadOnlyList<SuccessPattern> rows, IReadOnlyDictionary<Guid, IndexedPoint> held)
    {
        var plan = new SyncPlan();
        foreach (var row in rows)
        {
            held.TryGetValue(row.PatternId, out var point);
            var sameText = point is not null && point.ContentHash == row.ContentHash;
            if (point is not null && (point.Version > row.Version || (point.Version == row.Version && sameText)))
                plan.AlreadyCurrent[row.PatternId] = point.Version;
            else if (sameText) plan.PayloadOnly.Add(row);
            else plan.ToEmbed.Add(row);
        }
        return plan;
    }

    private async Task WriteAsync(SyncPlan plan, CancellationToken cancellationToken)
    {
        await EmbedAsync(plan.ToEmbed, cancellationToken);
        var refused = await SetPayloadsAsync(plan.PayloadOnly, cancellationToken);
        await EmbedAsync(refused, cancellationToken);
        plan.ToEmbed.AddRange(refused);
        plan.PayloadOnly.RemoveAll(refused.Contains);
    }

    /// <summary>
    /// A deletion may commit between our read and our write, and a write re-creates a point that the deletion's
    /// own event already removed. Pattern ids are never reused, so a row that is gone now means the point goes too.
    /// </summary>
    /// <returns>The ids whose point was deleted again.</returns>
    private async Task<List<Guid>> DeleteVanishedAsync(IReadOnlyList<Guid> written, CancellationToken cancellationToken)
    {
        var stillThere = await db.Patterns.AsNoTracking().Where(p => written.Contains(p.PatternId)).Select(p => p.PatternId)
            .ToListAsync(cancellationToken);
        var vanished = written.Except(stillThere).ToList();
        await index.DeleteUnconditionallyAsync(vanished, cancellationToken);
        return vanished;
    }

    private async Task EmbedAsync(IReadOnlyList<SuccessPattern> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        var vectors = await embedder.GenerateAsync(rows.Select(PatternEmbeddingText.Compose).ToList(),
            cancellationToken: cancellationToken);
        // The same version means the same row, so replacing it is safe; it repairs a point whose payload was damaged.
        await index.UpsertAsync(rows.Zip(vectors, (row, vector) => new PatternPoint(PatternPayload.From(row), vector.Vector)).ToList(),
            replaceSameVersion: true, cancellationToken);
    }

    /// <returns>
    /// The rows whose point took another text since it was compared, so the index refused to keep its vector: they need an embedding.
    /// </returns>
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

    /// <summary>What one pass found: rows to embed, rows whose payload alone changed, and the versions already indexed.</summary>
    private sealed class SyncPlan
    {
        public List<SuccessPattern> ToEmbed { get; } = [];
        public List<SuccessPattern> PayloadOnly { get; } = [];
        public Dictionary<Guid, int> AlreadyCurrent { get; } = [];
        public List<Guid> Written => ToEmbed.Concat(PayloadOnly).Select(r => r.PatternId).ToList();

        /// <summary>What the index holds once written, except the points deleted again.</summary>
        public Dictionary<Guid, int> IndexedVersions(IReadOnlyCollection<Guid> vanished)
        {
            var versions = new Dictionary<Guid, int>(AlreadyCurrent);
            foreach (var row in ToEmbed.Concat(PayloadOnly).Where(r => !vanished.Contains(r.PatternId)))
                versions[row.PatternId] = row.Version;
            return versions;
        }
    }

    [LoggerMessage(LogLevel.Debug,
        "Synced {Patterns} patterns: {Embedded} embedded, {PayloadOnly} payload-only, {Deleted} deleted, {Current} already current")]
    private partial void LogSynced(int patterns, int embedded, int payloadOnly, int deleted, int current);
}
