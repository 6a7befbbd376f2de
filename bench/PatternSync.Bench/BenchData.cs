using PatternSync.Testing;
using Npgsql;
using PatternSync.Core.Embeddings;
using PatternSync.Core.Patterns;

namespace PatternSync.Bench;

/// <summary>Bulk data for benchmarks, written straight to PostgreSQL.</summary>
internal static class BenchData
{
    /// <summary>Rows from loaded to size: sample patterns cloned with a variant suffix, with random unit vectors.</summary>
    public static async Task LoadIndexedAsync(NpgsqlDataSource dataSource, int from, int to)
    {
        var samples = SampleTexts.Patterns();
        var random = new Random(from + 1);
        var modelKey = $"{MiniLmEmbeddingGenerator.ModelId}/{MiniLmEmbeddingGenerator.Dimensions}";
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
                vector.Parameters.AddWithValue("model", modelKey);
                vector.Parameters.AddWithValue("embedding", RandomUnitVector(random, MiniLmEmbeddingGenerator.Dimensions));
                vector.Parameters.AddWithValue("hash", hash);
                vector.Parameters.AddWithValue("type", sample.PatternType);
                vector.Parameters.AddWithValue("tags", sample.Tags);
                batch.BatchCommands.Add(vector);
            }
            await batch.ExecuteNonQueryAsync();
        }
    }

    public static float[] RandomUnitVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        for (var i = 0; i < dimensions; i++) vector[i] /= norm;
        return vector;
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
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
