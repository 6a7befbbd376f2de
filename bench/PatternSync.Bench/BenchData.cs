using PatternSync.Testing;
using Npgsql;
using NpgsqlTypes;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Patterns;

namespace PatternSync.Bench;

/// <summary>Bulk data for benchmarks, written straight to PostgreSQL.</summary>
internal static class BenchData
{
    /// <summary>The key pattern_vectors.model and pattern_outcomes.embedding_model hold for the local model's vectors.</summary>
    public static readonly string ModelKey = $"{MiniLmEmbeddingGenerator.ModelId}/{MiniLmEmbeddingGenerator.Dimensions}";

    /// <summary>
    /// Rows from loaded to size: sample patterns cloned with a variant suffix, with random unit vectors; returns the
    /// new patterns with their vectors.
    /// </summary>
    public static async Task<IReadOnlyList<IndexedPattern>> LoadIndexedAsync(NpgsqlDataSource dataSource, int from, int to)
    {
        var samples = SampleTexts.Patterns();
        var random = new Random(from + 1);
        var loaded = new List<IndexedPattern>(to - from);
        for (var start = from; start < to; start += 1000)
        {
            await using var batch = dataSource.CreateBatch();
            for (var i = start; i < Math.Min(to, start + 1000); i++)
            {
                var sample = samples[i % samples.Count];
                var id = Guid.CreateVersion7();
                var name = $"{sample.Name} #{i}";
                var hash = PatternEmbeddingText.Hash(name);
                var row = new NpgsqlBatchCommand("""
                    INSERT INTO success_patterns (pattern_id, pattern_type, name, description, context_hash, execution_trace,
                        success_criteria, quality_metrics, performance_data, tags, status, version, quality_score, match_count,
                        success_count, failure_count, content_hash, created_at, updated_at, indexed_version, indexed_at)
                    VALUES (@id, @type, @name, @description, repeat('0', 64), @trace::jsonb,
                        '{}', '{}', '{}', @tags, 'active', 1, 0.9, 0,
                        0, 0, @hash, now(), now(), 1, now())
                    """);
                row.Parameters.AddWithValue("id", id);
                row.Parameters.AddWithValue("type", sample.PatternType);
                row.Parameters.AddWithValue("name", name);
                row.Parameters.AddWithValue("description", sample.Description);
                row.Parameters.AddWithValue("trace", sample.ExecutionTrace);
                row.Parameters.AddWithValue("tags", sample.Tags);
                row.Parameters.AddWithValue("hash", hash);
                batch.BatchCommands.Add(row);
                var vector = new NpgsqlBatchCommand("""
                    INSERT INTO pattern_vectors (pattern_id, version, model, embedding, content_hash, pattern_type, status, tags,
                        quality_score, match_count, created_at)
                    VALUES (@id, 1, @model, @embedding, @hash, @type, 'active', @tags, 0.9, 0, 0)
                    """);
                vector.Parameters.AddWithValue("id", id);
                var embedding = RandomUnitVector(random, MiniLmEmbeddingGenerator.Dimensions);
                loaded.Add(new IndexedPattern(id, embedding));
                vector.Parameters.AddWithValue("model", ModelKey);
                vector.Parameters.AddWithValue("embedding", embedding);
                vector.Parameters.AddWithValue("hash", hash);
                vector.Parameters.AddWithValue("type", sample.PatternType);
                vector.Parameters.AddWithValue("tags", sample.Tags);
                batch.BatchCommands.Add(vector);
            }
            await batch.ExecuteNonQueryAsync();
        }
        return loaded;
    }

    public static float[] RandomUnitVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        return Normalised(vector);
    }

    /// <summary>A random unit vector at about <paramref name="cosine"/> to the unit vector <paramref name="centre"/>.</summary>
    public static float[] NearVector(Random random, float[] centre, double cosine)
    {
        // A random direction in hundreds of dimensions is all but orthogonal to the centre.
        var away = RandomUnitVector(random, centre.Length);
        var off = Math.Sqrt(1 - cosine * cosine);
        return Normalised(centre.Select((x, i) => (float)(cosine * x + off * away[i])).ToArray());
    }

    public static float[] Normalised(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        for (var i = 0; i < vector.Length; i++) vector[i] /= norm;
        return vector;
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>A benchmark pattern's id and the unit vector the index holds for it.</summary>
internal sealed record IndexedPattern(Guid Id, float[] Vector);

/// <summary>
/// Outcome rows as the learned ranking reads them, written with binary COPY. Skewed over patterns (a log-normal weight
/// each: a few patterns get hundreds, most a handful), each pattern with its own success probability (0.3 to 0.9, so
/// ~60 % overall), recorded over the last 90 days. 70 % carry a query embedding of the current model, a third of those
/// near the pattern's vector, a third near one of the given queries (so the kernel to a real query is not all ~0), a
/// third random; the rest carry none, as an outcome naming no known match does.
/// </summary>
internal static class BenchOutcomes
{
    private const double WeightSpread = 1.3; // log-normal sigma: at ~10 per pattern, the median is ~4 and the top ~500
    private const double WithEmbedding = 0.7;
    private static readonly TimeSpan RecordedOver = TimeSpan.FromDays(90);

    /// <summary>
    /// Adds <paramref name="count"/> outcomes to <paramref name="patterns"/>, then sets each pattern's counters from its rows.
    /// </summary>
    public static async Task LoadAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<IndexedPattern> patterns, int count, IReadOnlyList<float[]> queries, int seed)
    {
        var random = new Random(seed);
        var cumulative = CumulativeWeights(random, patterns.Count);
        var successProbability = patterns.Select(_ => 0.3 + 0.6 * random.NextDouble()).ToArray();
        var now = DateTime.UtcNow;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY pattern_outcomes (pattern_id, success, recorded_at, match_id, query_embedding, embedding_model)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var n = 0; n < count; n++)
            {
                var p = Array.BinarySearch(cumulative, random.NextDouble());
                if (p < 0) p = Math.Min(~p, patterns.Count - 1);
                await importer.StartRowAsync();
                await importer.WriteAsync(patterns[p].Id, NpgsqlDbType.Uuid);
                await importer.WriteAsync(random.NextDouble() < successProbability[p], NpgsqlDbType.Boolean);
                await importer.WriteAsync(now - random.NextDouble() * RecordedOver, NpgsqlDbType.TimestampTz);
                if (QueryEmbedding(random, patterns[p].Vector, queries) is { } embedding)
                {
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await importer.WriteAsync(embedding, NpgsqlDbType.Array | NpgsqlDbType.Real);
                    await importer.WriteAsync(BenchData.ModelKey, NpgsqlDbType.Varchar);
                }
                else
                {
                    for (var column = 0; column < 3; column++) await importer.WriteNullAsync();
                }
            }
            await importer.CompleteAsync();
        }
        await SetCountersAsync(dataSource);
    }

    /// <summary>How the loaded outcomes fall over the patterns, for the result table.</summary>
    public static async Task<string> DescribeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sum(n), count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY n),
                percentile_disc(0.99) WITHIN GROUP (ORDER BY n), max(n), sum(embedded)::float8 / sum(n), sum(s)::float8 / sum(n)
            FROM (SELECT count(*) AS n, count(query_embedding) AS embedded, count(*) FILTER (WHERE success) AS s
                  FROM pattern_outcomes GROUP BY pattern_id) per_pattern
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{reader.GetInt64(0)} over {reader.GetInt64(1)} patterns, per pattern median {reader.GetInt64(2)}, "
            + $"p99 {reader.GetInt64(3)}, max {reader.GetInt64(4)}; {reader.GetDouble(5):P0} with a query embedding, "
            + $"{reader.GetDouble(6):P0} successes";
    }

    /// <summary>Each pattern's share of the outcomes, cumulated to 1 for a binary search.</summary>
    private static double[] CumulativeWeights(Random random, int count)
    {
        var cumulative = new double[count];
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            // Box-Muller: a standard normal draw.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            cumulative[i] = total += Math.Exp(WeightSpread * normal);
        }
        for (var i = 0; i < count; i++) cumulative[i] /= total;
        return cumulative;
    }

    private static float[]? QueryEmbedding(Random random, float[] patternVector, IReadOnlyList<float[]> queries)
    {
        var draw = random.NextDouble();
        if (draw >= WithEmbedding) return null;
        var cosine = 0.5 + 0.45 * random.NextDouble();
        return (int)(3 * draw / WithEmbedding) switch
        {
            0 => BenchData.NearVector(random, patternVector, cosine),
            1 => BenchData.NearVector(random, queries[random.Next(queries.Count)], cosine),
            _ => BenchData.RandomUnitVector(random, patternVector.Length),
        };
    }

    /// <summary>The counters the API keeps with each outcome, on the row and in the index's copy, from the rows themselves.</summary>
    private static async Task SetCountersAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            WITH counts AS (
                SELECT pattern_id, count(*) AS n, count(*) FILTER (WHERE success) AS s, max(recorded_at) AS last
                FROM pattern_outcomes GROUP BY pattern_id),
            rows AS (
                UPDATE success_patterns p SET match_count = c.n, success_count = c.s, failure_count = c.n - c.s,
                    success_rate = round(c.s::numeric / c.n, 6), last_matched_at = c.last
                FROM counts c WHERE p.pattern_id = c.pattern_id)
            UPDATE pattern_vectors v SET match_count = c.n, success_rate = round(c.s::numeric / c.n, 6),
                last_matched_at = extract(epoch FROM c.last)::bigint
            FROM counts c WHERE v.pattern_id = c.pattern_id
            """);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>One benchmark run: a throw-away database and an entity prefix on the broker ops/services.sh started.</summary>
internal sealed record BenchRun(string Name, string ConnectionString, string AdminConnectionString, int MqPort)
{
    public static BenchRun New(string prefix)
    {
        var name = $"{prefix}{DateTime.UtcNow:HHmmss}";
        return new BenchRun(name, TestServices.PostgresConnectionString(name), TestServices.PostgresConnectionString("postgres"),
            TestServices.RabbitMqPort);
    }

    /// <summary>A host of this run, its output echoed to stderr.</summary>
    public static HostProcess StartHost(string project, string url, IReadOnlyDictionary<string, string> settings) =>
        HostProcess.Start(project, url, settings, line => Console.Error.WriteLine($"  [{project}] {line}"));

    /// <summary>The hosts' settings for this run, plus the benchmark's own.</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = HostSettings.Services(ConnectionString, Name + "-", rabbitMqPort: MqPort);
        settings["Reconciliation:InitialDelay"] = "01:00:00";
        settings["Auth:RequireApiKeys"] = "false"; // a local measurement, not a deployment
        return settings.With(extra.Select(e => KeyValuePair.Create(e.Key, e.Value)));
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(AdminConnectionString);
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}
