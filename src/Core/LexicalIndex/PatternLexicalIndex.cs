using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PatternSync.Core.Filters;
using PatternSync.Core.Patterns;
using PatternSync.Core.Persistence;
using PatternSync.Core.VectorIndex;

namespace PatternSync.Core.LexicalIndex;

/// <summary>
/// The lexical index of the patterns, kept in each API process and derived from the table itself, whichever vector index
/// is configured. Before each search it applies the rows and tombstones of transactions it has not seen commit
/// (<see cref="CommitWatermark"/>, as the embedded vector index does), so it never misses a late commit and never needs
/// reconciling; a hit is still checked against its row by the matcher, like a vector hit.
/// </summary>
public sealed class PatternLexicalIndex(
    NpgsqlDataSource dataSource, IServiceScopeFactory scopes, IOptions<LexicalIndexOptions> options, TimeProvider clock)
    : IDisposable
{
    private const int RefreshPageSize = 2000;
    private static readonly string Changes = $"""
        SELECT pattern_id, change_seq, false FROM success_patterns
        WHERE ({CommitWatermark.NotSeenBefore("writer_xid")}) AND change_seq > @after
        UNION ALL
        SELECT pattern_id, change_seq, true FROM pattern_tombstones
        WHERE ({CommitWatermark.NotSeenBefore("writer_xid")}) AND change_seq > @after
        ORDER BY 2 LIMIT @page
        """;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly LexicalDocuments _documents = new();
    private CommitWatermark _seen = CommitWatermark.Start;
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    /// <summary>The best <paramref name="limit"/> patterns passing the filter by BM25 over any of the query's terms, best first.</summary>
    public Task<IReadOnlyList<LexicalMatch>> SearchAsync(
        string query, PatternFilter filter, int limit, CancellationToken cancellationToken = default) =>
        RefreshedAsync(() => _documents.Search(query, filter, limit), cancellationToken);

    /// <summary>Loads what the table holds now, so the first match after a start does not wait for it.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => RefreshedAsync(() => _documents.Count, cancellationToken);

    private async Task<T> RefreshedAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(cancellationToken);
            return read();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Applies the changes not seen yet, page by page in change_seq order. A process idle for longer than half the
    /// tombstones' retention starts over, since the deletions it missed may be pruned already.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _refreshedAt > options.Value.TombstoneRetention / 2)
        {
            _documents.Clear();
            _seen = CommitWatermark.Start;
        }
        var next = await CommitWatermark.TakeAsync(dataSource, cancellationToken);
        var after = 0L;
        List<Change> page;
        do
        {
            page = await ReadChangesAsync(after, cancellationToken);
            await ApplyAsync(page, cancellationToken);
            if (page.Count > 0) after = page[^1].ChangeSeq;
        } while (page.Count == RefreshPageSize);
        _seen = next;
        _refreshedAt = now;
    }

    private async Task<List<Change>> ReadChangesAsync(long after, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Changes);
        _seen.AddParameters(command);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("page", RefreshPageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<Change>();
        while (await reader.ReadAsync(cancellationToken))
            changes.Add(new Change(reader.GetGuid(0), reader.GetInt64(1), reader.GetBoolean(2)));
        return changes;
    }

    /// <summary>
    /// Reads the changed rows as they are now (a newer version is read again at its own change) and applies the page in order.
    /// </summary>
    private async Task ApplyAsync(List<Change> changes, CancellationToken cancellationToken)
    {
        var ids = changes.Where(c => !c.Deleted).Select(c => c.PatternId).ToList();
        Dictionary<Guid, SuccessPattern> rows = [];
        if (ids.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PatternDbContext>();
            rows = await db.Patterns.AsNoTracking().Where(p => ids.Contains(p.PatternId))
                .ToDictionaryAsync(p => p.PatternId, cancellationToken);
        }
        foreach (var change in changes)
        {
            if (change.Deleted && change.PatternId == Guid.Empty) _documents.Clear(); // a TRUNCATE's tombstone
            else if (!change.Deleted && rows.TryGetValue(change.PatternId, out var row))
                _documents.Apply(row.PatternId, change.ChangeSeq, PatternPayload.From(row), () => PatternEmbeddingText.Compose(row));
            else _documents.Apply(change.PatternId, change.ChangeSeq, payload: null, () => "");
        }
    }

    public void Dispose()
    {
        _documents.Dispose();
        _lock.Dispose();
    }

    private sealed record Change(Guid PatternId, long ChangeSeq, bool Deleted);
}
