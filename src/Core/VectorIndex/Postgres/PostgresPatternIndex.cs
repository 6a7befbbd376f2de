using System.Runtime.CompilerServices;
using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Filters;
using PatternSync.Core.Persistence;

namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// The embedded index (VectorIndex:Provider = Postgres): rows of <c>pattern_vectors</c>, searched exactly in memory, with
/// writes version-guarded in SQL. Before each read a process applies the rows of transactions it has not seen commit
/// (<see cref="CommitWatermark"/>), so a late commit is never missed.
/// It holds one model's vectors and suits tens of thousands of patterns; Qdrant is the choice beyond that.
/// </summary>
public sealed class PostgresPatternIndex(NpgsqlDataSource dataSource, EmbeddingModel model) : IPatternVectorIndex
{
    private const int RefreshPageSize = 2000;
    private static readonly string Upsert = UpsertSql("<");
    private static readonly string UpsertReplacingSameVersion = UpsertSql("<=");
    private static readonly string SetPayload = SetPayloadSql("<");
    private static readonly string SetPayloadReplacingSameVersion = SetPayloadSql("<=");
    private static readonly string Refresh = $"""
        SELECT pattern_id, change_seq, deleted, embedding, model, {PayloadColumns.List}
        FROM pattern_vectors WHERE ({CommitWatermark.NotSeenBefore("writer_xid")}) AND change_seq > @after
        ORDER BY change_seq LIMIT @page
        """;
    private readonly string _modelKey = model.Key;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly InMemoryVectorSet _vectors = new(model.Dimensions);
    private readonly HashSet<Guid> _otherModel = [];
    private CommitWatermark _seen = CommitWatermark.Start;

    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT model FROM pattern_vectors WHERE NOT deleted AND model <> @model LIMIT 1");
        command.Parameters.AddWithValue("model", _modelKey);
        if (await command.ExecuteScalarAsync(cancellationToken) is string other)
            throw new VectorIndexMismatchException(
                $"The embedded index holds vectors of '{other}', but the configured embedder is '{_modelKey}'. "
                + "Rebuild the index (reindex) for the new model.");
    }

    public async Task UpsertAsync(
        IReadOnlyCollection<PatternPoint> points, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (points.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        foreach (var point in points)
        {
            if (point.Vector.Length != model.Dimensions)
                throw new ArgumentException(
                    $"A vector of {point.Vector.Length} dimensions cannot go into an index of {model.Dimensions}.", nameof(points));
            var command = new NpgsqlBatchCommand(replaceSameVersion ? UpsertReplacingSameVersion : Upsert);
            PayloadColumns.AddParameters(command.Parameters, point.Payload);
            command.Parameters.AddWithValue("model", _modelKey);
            command.Parameters.AddWithValue("embedding", InMemoryVectorSet.Normalise(point.Vector.ToArray()));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetPayloadAsync(
        IReadOnlyCollection<PatternPayload> payloads, bool replaceSameVersion = false, CancellationToken cancellationToken = default)
    {
        if (payloads.Count == 0) return;
        await using var batch = dataSource.CreateBatch();
        foreach (var payload in payloads)
        {
            var command = new NpgsqlBatchCommand(replaceSameVersion ? SetPayloadReplacingSameVersion : SetPayload);
            PayloadColumns.AddParameters(command.Parameters, payload);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyCollection<PointDeletion> deletions, CancellationToken cancellationToken = default)
    {
        if (deletions.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            UPDATE pattern_vectors v SET deleted = true, embedding = NULL, version = d.version
            FROM unnest(@ids, @versions) AS d(id, version)
            WHERE v.pattern_id = d.id AND NOT v.deleted AND v.version < d.version
            """);
        command.Parameters.AddWithValue("ids", deletions.Select(d => d.PatternId).ToArray());
        command.Parameters.AddWithValue("versions", deletions.Select(d => d.Version).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteUnconditionallyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            UPDATE pattern_vectors SET deleted = true, embedding = NULL
            WHERE pattern_id = ANY(@ids) AND NOT deleted
            """);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, IndexedPoint>> GetAsync(
        IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        var held = new Dictionary<Guid, IndexedPoint>();
        if (ids.Count == 0) return held;
        await using var command = dataSource.CreateCommand(
            "SELECT pattern_id, version, content_hash FROM pattern_vectors WHERE pattern_id = ANY(@ids) AND NOT deleted");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            held[reader.GetGuid(0)] =
                new IndexedPoint(reader.GetGuid(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return held;
    }

    public async IAsyncEnumerable<IReadOnlyList<IndexedPoint>> ScrollAsync(
        int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<IndexedPoint>(pageSize);
            await using (var command = dataSource.CreateCommand(
                "SELECT pattern_id, version, content_hash FROM pattern_vectors "
                + "WHERE NOT deleted AND pattern_id > @after ORDER BY pattern_id LIMIT @limit"))
            {
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("limit", pageSize);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    page.Add(new IndexedPoint(reader.GetGuid(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
            if (page.Count > 0) yield return page;
            if (page.Count < pageSize) yield break;
            after = page[^1].PatternId;
        }
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(
        ReadOnlyMemory<float> vector, PatternFilter filter, int limit, float scoreThreshold,
        CancellationToken cancellationToken = default)
    {
        if (vector.Length != model.Dimensions)
            throw new ArgumentException(
                $"A query of {vector.Length} dimensions cannot search an index of {model.Dimensions}.", nameof(vector));
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(cancellationToken);
            if (_otherModel.Count > 0)
                throw new VectorIndexMismatchException(
                    $"The embedded index holds {_otherModel.Count} vectors of another model than '{_modelKey}' "
                    + "(a rebuild for another model is running or this host is not on the index's model yet).");
            return _vectors.Search(vector.Span, filter, limit, scoreThreshold);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<long> CountAsync(PatternFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(cancellationToken);
            return _vectors.Count(filter ?? PatternFilter.None);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<VectorIndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var count = await CountAsync(cancellationToken: cancellationToken);
        return new VectorIndexInfo("postgres", "pattern_vectors", "green", count, count, model.Dimensions);
    }

    /// <summary>
    /// Applies the rows written by every transaction that had not committed at the last refresh, page by page in
    /// change_seq order (the LIMIT keeps each read bounded at start-up). The watermark is taken before the rows are
    /// read, so a transaction committing in between is read again next time rather than skipped.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var next = await CommitWatermark.TakeAsync(dataSource, cancellationToken);
        var after = 0L;
        int read;
        do
        {
            await using var command = dataSource.CreateCommand(Refresh);
            _seen.AddParameters(command);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("page", RefreshPageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            for (read = 0; await reader.ReadAsync(cancellationToken); read++)
            {
                after = reader.GetInt64(1);
                Apply(reader);
            }
        } while (read == RefreshPageSize);
        _seen = next;
    }

    /// <summary>Applies one row of <see cref="Refresh"/>: pattern_id, change_seq, deleted, embedding, model, then the payload.</summary>
    private void Apply(NpgsqlDataReader reader)
    {
        var id = reader.GetGuid(0);
        var removed = reader.GetBoolean(2) || reader.IsDBNull(3);
        var otherModel = !removed && reader.GetString(4) != _modelKey;
        if (otherModel) _otherModel.Add(id);
        else _otherModel.Remove(id);
        var payload = removed || otherModel ? null : PayloadColumns.Read(reader, first: 5);
        _vectors.Apply(id, reader.GetInt64(1), payload, payload is null ? null : reader.GetFieldValue<float[]>(3));
    }

    private static string UpsertSql(string older) => $"""
        INSERT INTO pattern_vectors AS v (model, embedding, {PayloadColumns.List})
        VALUES (@model, @embedding, {PayloadColumns.Parameters})
        ON CONFLICT (pattern_id) DO UPDATE SET deleted = false, model = EXCLUDED.model, embedding = EXCLUDED.embedding,
            {PayloadColumns.SetFromExcluded}
        WHERE v.version {older} EXCLUDED.version
        """;

    /// <summary>Replaces the payload of a point whose embedded text (content hash) is unchanged.</summary>
    private static string SetPayloadSql(string older) => $"""
        UPDATE pattern_vectors SET {PayloadColumns.SetFromParameters}
        WHERE pattern_id = @{PatternPayloadFields.PatternId} AND NOT deleted AND content_hash = @{PatternPayloadFields.ContentHash}
            AND version {older} @{PatternPayloadFields.Version}
        """;
}
