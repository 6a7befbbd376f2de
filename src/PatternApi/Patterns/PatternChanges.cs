using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PatternSync.Core.Outbox;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Idempotency;
using PatternSync.PatternApi.Matching;

namespace PatternSync.PatternApi.Patterns;

/// <summary>
/// Where a pattern change is written, for every writer (REST handlers, MCP tools): lock the row, apply,
/// advance its version, add one outbox row, remember the idempotency key, and commit them together.
/// </summary>
public sealed class PatternChanges(PatternDbContext db, TimeProvider clock, IdempotentWrites idempotency, MatchRecorder matches)
{
    public async Task<PatternChangeResult> CreateAsync(JsonObject body, IdempotentWrites.Request? key, CancellationToken cancellationToken)
    {
        var (document, errors) = PatternValidator.Validate(body);
        if (document is null) return new PatternChangeResult.Invalid(errors);
        return await idempotency.OnceAsync(key, () =>
        {
            var now = clock.GetUtcNowForPostgres();
            var pattern = document.ToNewPattern(Guid.CreateVersion7(now), now);
            db.Patterns.Add(pattern);
            return SaveAsync(pattern, OutboxMessageFactory.Created(pattern, now), key, transaction: null, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Applies a JSON merge patch; <paramref name="expectedVersion"/> (If-Match) guards against lost updates.</summary>
    public async Task<PatternChangeResult> UpdateAsync(
        Guid id, int? expectedVersion, JsonObject mergePatch, CancellationToken cancellationToken)
    {
        // The row lock serialises writers of one pattern: without an expected version each patch applies to the
        // newest row in turn; with it, a writer that lost the race sees the new version and gets a conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (pattern, refusal) = await LockAsync(id, expectedVersion, cancellationToken);
        if (pattern is null) return refusal!;

        var merged = (JsonObject)JsonMergePatch.Apply(PatternDocument.ToJson(pattern), mergePatch)!;
        var (document, errors) = PatternValidator.Validate(merged, patch: true);
        if (document is null) return new PatternChangeResult.Invalid(errors);
        var changed = document.ApplyTo(pattern);
        if (changed.Count == 0) return new PatternChangeResult.Written(PatternResponse.From(pattern));

        var now = clock.GetUtcNowForPostgres();
        pattern.MarkChanged(now);
        return await SaveAsync(pattern, OutboxMessageFactory.Updated(pattern, changed, now), key: null, transaction, cancellationToken);
    }

    public async Task<PatternChangeResult> DeleteAsync(Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (pattern, refusal) = await LockAsync(id, expectedVersion, cancellationToken);
        if (pattern is null) return refusal!;

        var now = clock.GetUtcNowForPostgres();
        pattern.MarkChanged(now);
        db.Patterns.Remove(pattern);
        await CommitAsync(OutboxMessageFactory.Deleted(pattern, now), transaction, cancellationToken);
        return new PatternChangeResult.Deleted();
    }

    /// <summary>
    /// One use of the pattern: its counters and its outcome row, in one transaction; the row lock makes concurrent outcomes
    /// take turns, so none is lost. <paramref name="caller"/> is the reporting key's prefix, null when keys are off.
    /// A known match must have returned the pattern, and lends the row its query embedding; an unknown one counts pattern-wide.
    /// </summary>
    public Task<PatternChangeResult> RecordOutcomeAsync(
        Guid id, OutcomeReport report, string? caller, IdempotentWrites.Request? key, CancellationToken cancellationToken) =>
        idempotency.OnceAsync(key, async () =>
        {
            // Looked up before the lock, which is held only for the write.
            var match = report.MatchId is { } matchId ? await matches.FindAsync(db, matchId, cancellationToken) : null;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (pattern, refusal) = await LockAsync(id, expectedVersion: null, cancellationToken);
            if (pattern is null) return refusal!;
            if (match is not null && !match.PatternIds.Contains(id)) return new PatternChangeResult.NotInMatch(match.MatchId, id);

            var now = clock.GetUtcNowForPostgres();
            var outcome = pattern.RecordOutcome(report, caller, now);
            (outcome.QueryEmbedding, outcome.EmbeddingModel) = (match?.QueryEmbedding, match?.EmbeddingModel);
            pattern.MarkChanged(now);
            db.Outcomes.Add(outcome);
            var message = OutboxMessageFactory.OutcomeRecorded(pattern, outcome);
            return await SaveAsync(pattern, message, key, transaction, cancellationToken);
        }, cancellationToken);

    /// <summary>Reads the pattern and locks its row until the transaction ends; a refusal when absent or at another version.</summary>
    private async Task<(SuccessPattern? Pattern, PatternChangeResult? Refusal)> LockAsync(
        Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        var pattern = await db.Patterns.FromSql($"SELECT * FROM success_patterns WHERE pattern_id = {id} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (pattern is null) return (null, new PatternChangeResult.NotFound(id));
        if (expectedVersion is { } expected && expected != pattern.Version)
            return (null, new PatternChangeResult.VersionConflict(pattern.Version));
        return (pattern, null);
    }

    private async Task<PatternChangeResult> SaveAsync(SuccessPattern pattern, OutboxMessage message, IdempotentWrites.Request? key,
        IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        var response = PatternResponse.From(pattern);
        if (key is not null) idempotency.Remember(key, response);
        await CommitAsync(message, transaction, cancellationToken);
        return new PatternChangeResult.Written(response);
    }

    /// <summary>Saves the change with its one outbox row; a create needs no explicit transaction, its one save is atomic.</summary>
    private async Task CommitAsync(OutboxMessage message, IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null) await transaction.CommitAsync(cancellationToken);
    }
}
