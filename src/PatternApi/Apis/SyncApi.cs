using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PatternSync.Contracts;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Observability;
using PatternSync.Core.Persistence;
using PatternSync.Core.Reconciliation;
using PatternSync.Core.VectorIndex;
using PatternSync.PatternApi.Operations;
using PatternSync.PatternApi.Security;

namespace PatternSync.PatternApi.Apis;

/// <summary><c>/api/v1/sync</c>: what ops and dashboards read (status, reconciliation reports) and the reconcile trigger.</summary>
public static class SyncApi
{
    public static RouteGroupBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/sync").WithTags("Sync").RequireAuthorization(Scopes.OpsAdmin);
        api.MapGet("/status", GetStatus).WithName("GetSyncStatus").WithSummary("Sync lag, outbox backlog and the index's state")
            .RequireReads(Scopes.OpsAdmin);
        api.MapPost("/reconcile", RequestReconciliation).WithName("RequestReconciliation").WithSummary("Run a reconciliation now")
            .ProducesProblem(StatusCodes.Status409Conflict).RequireJsonContentType();
        api.MapPost("/reindex", RequestReindex).WithName("RequestReindex")
            .WithSummary("Rebuild the index from PostgreSQL (new collection, alias switch at the end; matching keeps answering)")
            .ProducesProblem(StatusCodes.Status409Conflict).RequireJsonContentType();
        api.MapGet("/reconciliations", ListReconciliations).WithName("ListReconciliations").WithSummary("Recent reconciliation reports")
            .RequireReads(Scopes.OpsAdmin);
        api.MapGet("/history", (SyncHistory history) => TypedResults.Ok(history.Samples)).WithName("GetSyncHistory")
            .WithSummary("The last hour of sync figures, sampled every 5 seconds (for the status page)").RequireReads(Scopes.OpsAdmin);
        return api;
    }

    public static async Task<Ok<SyncStatusResponse>> GetStatus(
        NpgsqlDataSource dataSource, IPatternVectorIndex index, EmbeddingModel model, IndexModelTarget target, PatternDbContext db,
        HttpContext http)
    {
        var status = await SyncStatus.ReadAsync(dataSource, http.RequestAborted);
        var targetModel = await target.GetAsync(http.RequestAborted);
        IndexStatus indexStatus;
        try
        {
            var info = await index.GetInfoAsync(http.RequestAborted);
            indexStatus = new IndexStatus(info.Alias, info.Collection, info.Status, info.PointsCount, info.IndexedVectorsCount,
                info.VectorSize, model.Name, targetModel, info.Rebuild, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            indexStatus = new IndexStatus(null, null, "unreachable", null, null, null, model.Name, targetModel, null, e.Message);
        }
        var last = await db.ReconciliationRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(http.RequestAborted);
        var outbox = new OutboxStatus(status.OutboxBacklog, Math.Round(status.OutboxOldestUnsentAgeSeconds, 3), status.OutboxDeadLetters);
        return TypedResults.Ok(new SyncStatusResponse(Math.Round(status.SyncLagSeconds, 3), status.Patterns, status.PatternsNotIndexed,
            outbox, indexStatus, last));
    }

    public static Task<Results<Accepted, ProblemHttpResult>> RequestReconciliation(
        SyncRequests requests, TimeProvider clock, HttpContext http) =>
        RequestAsync(requests, SyncRequests.Reconcile, new ReconciliationRequested { RequestedAt = clock.GetUtcNow() },
            "/api/v1/sync/reconciliations", http);

    public static Task<Results<Accepted, ProblemHttpResult>> RequestReindex(SyncRequests requests, TimeProvider clock, HttpContext http) =>
        RequestAsync(requests, SyncRequests.Reindex, new ReindexRequested { RequestedAt = clock.GetUtcNow() }, "/api/v1/sync/status", http);

    private static async Task<Results<Accepted, ProblemHttpResult>> RequestAsync<T>(
        SyncRequests requests, string kind, T message, string location, HttpContext http) where T : class
    {
        try
        {
            if (await requests.RequestAsync(kind, message, http.RequestAborted) is not { } inFlight) return TypedResults.Accepted(location);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A {kind} is already in flight",
                detail: $"{char.ToUpperInvariant(inFlight.What[0])}{inFlight.What[1..]}; ask again when it has finished.",
                extensions: new Dictionary<string, object?> { ["in_flight"] = inFlight });
        }
        catch (TimeoutException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The message bus is unavailable", detail: e.Message);
        }
    }

    public static async Task<Results<Ok<List<ReconciliationRun>>, ValidationProblem>> ListReconciliations(
        PatternDbContext db, HttpContext http, int? limit)
    {
        if (limit is < 1 or > 100)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be from 1 to 100."] });
        var runs = await db.ReconciliationRuns.AsNoTracking()
            .OrderByDescending(r => r.Id)
            .Take(limit ?? 20)
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(runs);
    }

    public sealed record SyncStatusResponse(double SyncLagSeconds, long Patterns, long PatternsNotIndexed, OutboxStatus Outbox,
        IndexStatus Index, ReconciliationRun? LastReconciliation);

    public sealed record OutboxStatus(long Backlog, double OldestUnsentAgeSeconds, long DeadLetters);

    /// <param name="PointsCount">On the embedded index, the points this API process's copy holds.</param>
    /// <param name="TargetModel">The model the index is meant to hold (set by a reindex); null until one is recorded.</param>
    public sealed record IndexStatus(string? Alias, string? Collection, string Status, long? PointsCount, long? IndexedVectorsCount,
        int? VectorSize, string EmbeddingModel, string? TargetModel, IndexRebuild? Rebuild, string? Error);
}
