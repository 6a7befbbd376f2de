using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Idempotency;
using PatternSync.Core.Persistence;
using PatternSync.Core.Serialization;
using PatternSync.PatternApi.Patterns;

namespace PatternSync.PatternApi.Idempotency;

/// <summary>
/// An idempotency key on the POST writes (<see cref="IdempotencyKeyHeader"/>): a retry replays the first answer, another
/// request with the same key is refused. The key's row commits in the write's transaction, so a concurrent duplicate fails
/// on its primary key and replays what the first committed. Stored answers are bounded (<see cref="StoredAnswer"/>).
/// </summary>
public sealed class IdempotentWrites(PatternDbContext db, TimeProvider clock, IOptions<IdempotencyOptions> options)
{
    /// <summary>A key as sent by <paramref name="Caller"/>, with the hash of the request it came with.</summary>
    public sealed record Request(string Caller, string Key, string Hash);

    /// <summary>
    /// What a key remembers: the pattern's id, and its response when it fits <see cref="IdempotencyOptions.MaxStoredResponseBytes"/>;
    /// a larger one is read again at replay. A row from when keys kept the whole response reads as its id alone.
    /// </summary>
    private sealed record StoredAnswer(Guid PatternId, PatternResponse? Response);

    /// <summary>
    /// Runs <paramref name="write"/> once per key: a key answered before replays its first response (or
    /// <see cref="PatternChangeResult.KeyReused"/>), a duplicate losing the race on the key replays the winner's; no key, just writes.
    /// The write must <see cref="Remember"/> its response in its own unit of work.
    /// </summary>
    public async Task<PatternChangeResult> OnceAsync(
        Request? request, Func<Task<PatternChangeResult>> write, CancellationToken cancellationToken)
    {
        if (request is null) return await write();
        if (await FindAsync(request, cancellationToken) is { } answered) return answered;
        try
        {
            return await write();
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException
            { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_idempotent_requests" })
        {
            db.ChangeTracker.Clear();
            return (await FindAsync(request, cancellationToken))!;
        }
    }

    /// <summary>Adds the key and its response to the write's unit of work (saved with it).</summary>
    public void Remember(Request request, PatternResponse response)
    {
        var small = JsonSerializer.SerializeToUtf8Bytes(response, PatternJson.Options).Length <= options.Value.MaxStoredResponseBytes;
        var answer = new StoredAnswer(response.PatternId, small ? response : null);
        db.IdempotentRequests.Add(new IdempotentRequest
        {
            Caller = request.Caller, Key = request.Key, RequestHash = request.Hash,
            Response = JsonSerializer.Serialize(answer, PatternJson.Options), CreatedAt = clock.GetUtcNowForPostgres(),
        });
    }

    /// <summary>The first response to this key, replayed, if it was answered; null when it was not.</summary>
    private async Task<PatternChangeResult?> FindAsync(Request request, CancellationToken cancellationToken)
    {
        var seen = await db.IdempotentRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Caller == request.Caller && r.Key == request.Key, cancellationToken);
        if (seen is null) return null;
        if (seen.RequestHash != request.Hash) return new PatternChangeResult.KeyReused(request.Key);
        var answer = JsonSerializer.Deserialize<StoredAnswer>(seen.Response, PatternJson.Options)!;
        var replay = answer.Response ?? await ReadAgainAsync(answer.PatternId, cancellationToken);
        return replay is null
            ? new PatternChangeResult.NotFound(answer.PatternId)
            : new PatternChangeResult.Written(replay, Replayed: true);
    }

    private async Task<PatternResponse?> ReadAgainAsync(Guid patternId, CancellationToken cancellationToken) =>
        await db.Patterns.AsNoTracking().FirstOrDefaultAsync(p => p.PatternId == patternId, cancellationToken) is { } pattern
            ? PatternResponse.From(pattern)
            : null;
}
