using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;
using PatternSync.Core.Reconciliation;
using PatternSync.Core.VectorIndex;
using PatternSync.SyncWorker.Rebuild;
using PatternSync.SyncWorker.Sync;

namespace PatternSync.SyncWorker.Reconciliation;

/// <summary>
/// Compares PostgreSQL with the index and repairs the drift: rows without a point (missing), points
/// behind their row (stale version), points at the row's version with another content hash or ahead
/// of the row (stale payload), points without a row (orphans), and an index of another vector size or
/// model (wrong dimension: rebuilt for the configured embedder, or only reported when
/// <see cref="ReconciliationOptions.RebuildOnWrongDimension"/> is off). A change younger than the grace period
/// that the index does not hold yet is in flight, not drift, and is left to the pipeline. Reads both sides page by page (the
/// index without vectors), repairs through the same synchronizer as the events, and records a report.
/// Idempotent: a second run over a repaired index finds nothing.
/// </summary>
public sealed partial class Reconciler(
    PatternDbContext db, NpgsqlDataSource dataSource, IPatternVectorIndex index, PatternSynchronizer synchronizer,
    IndexRebuilder rebuilder, IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<Reconciler> logger)
{
    public async Task<ReconciliationRun> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = new ReconciliationRun { Trigger = trigger, Status = "running", StartedAt = clock.GetUtcNowForPostgres() };
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        var pageSize = options.Value.PageSize;
        try
        {
            try
            {
                await index.EnsureReadyAsync(cancellationToken);
            }
            catch (VectorIndexMismatchException e) when (options.Value.RebuildOnWrongDimension)
            {
                // No point of another size or model can be resynced into place: the repair is a rebuild.
                // The comparison below then removes what the rebuild left behind (old-model orphans).
                run.WrongDimension = 1;
                LogRebuilding(e.Message);
                run.Repaired += await rebuilder.RebuildAsync(null, cancellationToken);
            }

            var points = new Dictionary<Guid, IndexedPoint>();
            await foreach (var page in index.ScrollAsync(pageSize, cancellationToken))
                foreach (var point in page) points[point.PatternId] = point;
            run.PointsChecked = points.Count;

            var toSync = new List<Guid>();
            var ahead = new List<Guid>();
            await foreach (var (id, version, contentHash, inFlight) in RowsAsync(pageSize, cancellationToken))
            {
                run.RowsChecked++;
                if (inFlight) { run.InFlight++; points.Remove(id); }
                else if (!points.Remove(id, out var point)) { run.Missing++; toSync.Add(id); }
                else if (point.Version < version) { run.StaleVersion++; toSync.Add(id); }
                else if (point.Version > version || point.ContentHash != contentHash) { run.StalePayload++; toSync.Add(id); if (point.Version > version) ahead.Add(id); }
            }
            // What is left has no row. A row created since we read the index is not in the map, so it is never taken for an orphan.
            var orphans = points.Keys.ToList();
            run.Orphans = orphans.Count;

            await index.DeleteUnconditionallyAsync(orphans.Concat(ahead).ToList(), cancellationToken);
            run.Repaired += orphans.Count;
            foreach (var chunk in toSync.Chunk(64))
            {
                try
                {
                    await synchronizer.SyncAsync(chunk, cancellationToken);
                    run.Repaired += chunk.Length;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    run.Failed += chunk.Length;
                    run.Error = e.Message;
                }
            }
            run.Status = run.Failed == 0 ? "succeeded" : "failed";
        }
        catch (VectorIndexMismatchException e)
        {
            run.WrongDimension = 1;
            run.Status = "failed";
            run.Error = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Status = "failed";
            run.Error = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
        }
        run.FinishedAt = clock.GetUtcNowForPostgres();
        await db.SaveChangesAsync(CancellationToken.None);
        ReconciliationMetrics.Record(run);
        LogRun(run.Id, run.Status, run.Missing, run.StaleVersion, run.StalePayload, run.Orphans, run.WrongDimension, run.Repaired, run.Failed);
        return run;
    }

    private async IAsyncEnumerable<(Guid Id, int Version, string ContentHash, bool InFlight)> RowsAsync(int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<(Guid, int, string, bool)>(pageSize);
            await using (var command = dataSource.CreateCommand("""
                SELECT pattern_id, version, content_hash, indexed_version IS DISTINCT FROM version AND updated_at > now() - @grace
                FROM success_patterns WHERE pattern_id > @after ORDER BY pattern_id LIMIT @limit
                """))
            {
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("limit", pageSize);
                command.Parameters.AddWithValue("grace", options.Value.GracePeriod);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) page.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetBoolean(3)));
            }
            foreach (var row in page) yield return row;
            if (page.Count < pageSize) yield break;
            after = page[^1].Item1;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reconciliation found an index of another vector size or model; rebuilding it for the configured embedder: {Reason}")]
    private partial void LogRebuilding(string reason);

    [LoggerMessage(LogLevel.Information, "Reconciliation {RunId} {Status}: missing {Missing}, stale version {StaleVersion}, stale payload {StalePayload}, orphans {Orphans}, wrong dimension {WrongDimension}; repaired {Repaired}, failed {Failed}")]
    private partial void LogRun(long runId, string status, int missing, int staleVersion, int stalePayload, int orphans, int wrongDimension, int repaired, int failed);
}
