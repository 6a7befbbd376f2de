using System.Runtime.CompilerServices;
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
/// Compares PostgreSQL with the index and repairs the <see cref="Drift"/>: drift found by the scan is looked at again
/// and only what is still there is counted, so a change landing mid-scan is not reported; a failed repair batch is
/// retried one pattern at a time, so one poison pattern cannot keep its neighbours broken.
/// </summary>
public sealed partial class Reconciler(
    PatternDbContext db, NpgsqlDataSource dataSource, IPatternVectorIndex index, PatternSynchronizer synchronizer,
    IndexRebuilder rebuilder, IndexModelTarget target, IOptions<ReconciliationOptions> options, TimeProvider clock,
    ILogger<Reconciler> logger)
{
    public async Task<ReconciliationRun> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        var run = new ReconciliationRun { Trigger = trigger, Status = "running", StartedAt = clock.GetUtcNowForPostgres() };
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await EnsureIndexOfTargetModelAsync(run, cancellationToken);
            var suspects = await ScanAsync(run, cancellationToken);
            var drift = await RecheckAsync(suspects, cancellationToken);
            Count(run, drift);
            await RepairAsync(run, drift, cancellationToken);
            run.Status = run.Failed == 0 ? "succeeded" : "failed";
        }
        catch (VectorIndexMismatchException e)
        {
            run.ModelMismatch = 1;
            run.Status = "failed";
            run.Error = Shorten(e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A stopping worker still closes its run, so the report never shows one "running" forever.
            run.Status = "failed";
            run.Error = "Cancelled: the worker stopped before the run finished.";
            await FinishAsync(run);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Status = "failed";
            run.Error = Shorten(e.Message);
        }
        await FinishAsync(run);
        return run;
    }

    private async Task FinishAsync(ReconciliationRun run)
    {
        run.FinishedAt = clock.GetUtcNowForPostgres();
        await db.SaveChangesAsync(CancellationToken.None);
        ReconciliationMetrics.Record(run);
        LogRun(run.Id, run.Status, run.Missing, run.StaleVersion, run.StalePayload, run.Orphans, run.ModelMismatch,
            run.Repaired, run.Failed);
    }

    /// <summary>
    /// No point of another size or model can be resynced into place: the repair is a rebuild, and only a worker of the
    /// target model may do it (the comparison then removes what the rebuild left behind). Others report and stop.
    /// </summary>
    private async Task EnsureIndexOfTargetModelAsync(ReconciliationRun run, CancellationToken cancellationToken)
    {
        try
        {
            await index.EnsureReadyAsync(cancellationToken);
            await target.AdoptOwnIfUnsetAsync(cancellationToken);
            ReconciliationMetrics.ModelMismatch.Set(0);
            return;
        }
        catch (VectorIndexMismatchException e) when (options.Value.RebuildOnModelMismatch)
        {
            var targetModel = await target.GetAsync(cancellationToken);
            if (targetModel != target.Own)
            {
                ReconciliationMetrics.ModelMismatch.Set(1);
                LogOtherTarget(target.Own, targetModel ?? "none recorded", e.Message);
                throw new VectorIndexMismatchException(
                    $"{e.Message} The index's target model is {targetModel ?? "not recorded"}, this worker's is {target.Own}: "
                    + "only a reindex on a worker of the new model changes it; roll this worker to the target model.");
            }
            run.ModelMismatch = 1;
            LogRebuilding(e.Message);
            run.Repaired += await rebuilder.RebuildAsync(null, cancellationToken);
        }
    }

    /// <returns>The ids whose row and point disagreed when read.</returns>
    private async Task<List<Guid>> ScanAsync(ReconciliationRun run, CancellationToken cancellationToken)
    {
        var points = new Dictionary<Guid, IndexedPoint>();
        await foreach (var page in index.ScrollAsync(options.Value.PageSize, cancellationToken))
            foreach (var point in page) points[point.PatternId] = point;
        run.PointsChecked = points.Count;

        var suspects = new List<Guid>();
        await foreach (var row in RowsAsync(cancellationToken))
        {
            run.RowsChecked++;
            points.Remove(row.Id, out var point);
            var kind = Drift.Of(row, point);
            if (kind == DriftKind.InFlight) run.InFlight++;
            else if (kind != DriftKind.None) suspects.Add(row.Id);
        }
        // What is left has no row. A row created since we read the index is not in the map, so it is never taken for an orphan.
        suspects.AddRange(points.Keys);
        return suspects;
    }

    /// <summary>Reads the suspects' rows and points again: drift that a change in flight during the scan explained is gone now.</summary>
    private async Task<List<Drift>> RecheckAsync(IReadOnlyList<Guid> suspects, CancellationToken cancellationToken)
    {
        var drift = new List<Drift>();
        foreach (var chunk in suspects.Chunk(options.Value.PageSize))
        {
            var rows = await RowsAsync(chunk, cancellationToken);
            var points = await index.GetAsync(chunk, cancellationToken);
            drift.AddRange(chunk.Select(id => new Drift(id, rows.GetValueOrDefault(id), points.GetValueOrDefault(id))));
        }
        return drift;
    }

    private static void Count(ReconciliationRun run, IEnumerable<Drift> drift)
    {
        foreach (var kind in drift.Select(d => d.Kind))
        {
            if (kind == DriftKind.InFlight) run.InFlight++;
            else if (kind == DriftKind.Missing) run.Missing++;
            else if (kind == DriftKind.StaleVersion) run.StaleVersion++;
            else if (kind is DriftKind.StalePayload or DriftKind.Ahead) run.StalePayload++;
            else if (kind == DriftKind.Orphan) run.Orphans++;
        }
    }

    private async Task RepairAsync(ReconciliationRun run, IReadOnlyList<Drift> drift, CancellationToken cancellationToken)
    {
        var orphans = drift.Where(d => d.Kind == DriftKind.Orphan).Select(d => d.Id).ToList();
        var ahead = drift.Where(d => d.Kind == DriftKind.Ahead).Select(d => d.Id);
        await index.DeleteUnconditionallyAsync(orphans.Concat(ahead).ToList(), cancellationToken);
        run.Repaired += orphans.Count;
        var toSync = drift
            .Where(d => d.Kind is DriftKind.Missing or DriftKind.StaleVersion or DriftKind.StalePayload or DriftKind.Ahead)
            .Select(d => d.Id);
        foreach (var chunk in toSync.Chunk(options.Value.RepairBatchSize))
        {
            if (await TrySyncAsync(chunk, run, cancellationToken)) continue;
            // One poison pattern fails its whole batch: repair the others one by one.
            foreach (var id in chunk) await TrySyncAsync([id], run, cancellationToken);
        }
    }

    private async Task<bool> TrySyncAsync(Guid[] ids, ReconciliationRun run, CancellationToken cancellationToken)
    {
        try
        {
            await synchronizer.SyncAsync(ids, cancellationToken);
            run.Repaired += ids.Length;
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (ids.Length > 1) return false;
            run.Failed++;
            run.Error ??= Shorten($"pattern {ids[0]}: {e.Message}");
            LogRepairFailed(e, ids[0]);
            return false;
        }
    }

    private const string RowColumns =
        "pattern_id, version, content_hash, indexed_version IS DISTINCT FROM version AND updated_at > now() - @grace";

    private async IAsyncEnumerable<RowState> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = Guid.Empty;
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {RowColumns} FROM success_patterns WHERE pattern_id > @after ORDER BY pattern_id LIMIT @limit");
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("limit", options.Value.PageSize);
            var page = await ReadRowsAsync(command, cancellationToken);
            foreach (var row in page) yield return row;
            if (page.Count < options.Value.PageSize) yield break;
            after = page[^1].Id;
        }
    }

    private async Task<Dictionary<Guid, RowState>> RowsAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RowColumns} FROM success_patterns WHERE pattern_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids);
        return (await ReadRowsAsync(command, cancellationToken)).ToDictionary(row => row.Id);
    }

    private async Task<List<RowState>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("grace", options.Value.GracePeriod);
        var rows = new List<RowState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new RowState(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetBoolean(3)));
        return rows;
    }

    private const int ErrorColumnLength = 2000;

    /// <summary>Fits the error column, never cutting a surrogate pair in two (PostgreSQL refuses the half as UTF-8).</summary>
    private static string Shorten(string message)
    {
        if (message.Length <= ErrorColumnLength) return message;
        var length = char.IsHighSurrogate(message[ErrorColumnLength - 1]) ? ErrorColumnLength - 1 : ErrorColumnLength;
        return message[..length];
    }

    [LoggerMessage(LogLevel.Warning,
        "Reconciliation found an index of another vector size or model; rebuilding it for the configured embedder: {Reason}")]
    private partial void LogRebuilding(string reason);

    [LoggerMessage(LogLevel.Warning,
        "Reconciliation leaves the index alone: this worker's model {Own} is not the index's target model {Target}. {Reason}")]
    private partial void LogOtherTarget(string own, string target, string reason);

    [LoggerMessage(LogLevel.Warning, "Reconciliation could not repair pattern {PatternId}")]
    private partial void LogRepairFailed(Exception exception, Guid patternId);

    [LoggerMessage(LogLevel.Information, "Reconciliation {RunId} {Status}: missing {Missing}, stale version {StaleVersion}, "
        + "stale payload {StalePayload}, orphans {Orphans}, model mismatch {ModelMismatch}; repaired {Repaired}, failed {Failed}")]
    private partial void LogRun(
        long runId, string status, int missing, int staleVersion, int stalePayload, int orphans, int modelMismatch,
        int repaired, int failed);
}
