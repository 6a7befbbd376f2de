using System.Text;
using Npgsql;

namespace PatternSync.Bench.Lexical;

/// <summary>
/// PostgreSQL full-text search scored by BM25 in SQL: the C# token stream stored as a 'simple' tsvector (positions give
/// the term frequency), the GIN index finds the documents holding any query term, and the term statistics BM25 needs and
/// ts_rank lacks (document frequency per term, document count and average length) are kept in tables of their own.
/// </summary>
internal sealed class PostgresLexicalIndex(NpgsqlDataSource dataSource, IdentifierTokens tokens)
{
    public static async Task CreateSchemaAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE lexical_documents (doc_id int PRIMARY KEY, length int NOT NULL, terms tsvector NOT NULL);
            CREATE INDEX lexical_documents_terms ON lexical_documents USING gin (terms);
            CREATE TABLE lexical_terms (term text PRIMARY KEY, documents int NOT NULL);
            CREATE TABLE lexical_stats (documents int NOT NULL, average_length float8 NOT NULL);
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Replaces the documents with <paramref name="texts"/> and recomputes the term statistics from them.</summary>
    public async Task LoadAsync(IReadOnlyList<string> texts)
    {
        await using (var clear = dataSource.CreateCommand("TRUNCATE lexical_documents, lexical_terms, lexical_stats"))
            await clear.ExecuteNonQueryAsync();
        for (var start = 0; start < texts.Count; start += 1000)
        {
            var chunk = Enumerable.Range(start, Math.Min(1000, texts.Count - start)).ToArray();
            var streams = chunk.Select(i => tokens.Tokenize(texts[i])).ToArray();
            await using var insert = dataSource.CreateCommand("""
                INSERT INTO lexical_documents (doc_id, length, terms)
                SELECT * FROM unnest(@ids, @lengths, @terms::tsvector[])
                """);
            insert.Parameters.AddWithValue("ids", chunk);
            insert.Parameters.AddWithValue("lengths", streams.Select(s => s.Count).ToArray());
            insert.Parameters.AddWithValue("terms", streams.Select(TsVector).ToArray());
            await insert.ExecuteNonQueryAsync();
        }
        await using var statistics = dataSource.CreateCommand("""
            INSERT INTO lexical_terms (term, documents)
            SELECT lexeme, count(*) FROM lexical_documents, unnest(terms) GROUP BY lexeme;
            INSERT INTO lexical_stats SELECT count(*), avg(length) FROM lexical_documents;
            ANALYZE lexical_documents, lexical_terms, lexical_stats;
            """);
        await statistics.ExecuteNonQueryAsync();
    }

    /// <summary>The ids of the best <paramref name="limit"/> documents by BM25 over the query's distinct terms, best first.</summary>
    public async Task<List<Hit>> SearchAsync(string query, int limit)
    {
        var terms = tokens.Tokenize(query).Distinct().ToArray();
        if (terms.Length == 0) return [];
        // k1 = 1.2 and b = 0.75 are Lucene's BM25Similarity defaults, so the two engines score alike.
        await using var command = dataSource.CreateCommand("""
            WITH query AS (
                SELECT t.term, ln(1 + (s.documents - t.documents + 0.5::float8) / (t.documents + 0.5::float8)) AS idf
                FROM lexical_terms t CROSS JOIN lexical_stats s WHERE t.term = ANY(@terms))
            SELECT d.doc_id, sum(q.idf * cardinality(u.positions) * 2.2::float8
                / (cardinality(u.positions) + 1.2::float8 * (0.25::float8 + 0.75::float8 * d.length / s.average_length))) AS score
            FROM lexical_documents d CROSS JOIN lexical_stats s
            CROSS JOIN LATERAL unnest(ts_filter(setweight(setweight(d.terms, 'D'), 'A', @terms), '{a}')) u
            JOIN query q ON q.term = u.lexeme
            WHERE d.terms @@ @query::tsquery
            GROUP BY d.doc_id, d.length, s.average_length
            ORDER BY score DESC, d.doc_id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("terms", terms);
        command.Parameters.AddWithValue("query", string.Join(" | ", terms.Select(Quoted)));
        command.Parameters.AddWithValue("limit", limit);
        var hits = new List<Hit>(limit);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) hits.Add(new Hit(reader.GetInt32(0), reader.GetDouble(1)));
        return hits;
    }

    /// <summary>A tsvector literal of the stream as it is: each term with its positions, so nothing is parsed again.</summary>
    private static string TsVector(List<string> stream)
    {
        var literal = new StringBuilder();
        foreach (var term in stream.Select((term, i) => (term, position: Math.Min(i + 1, 16383))).GroupBy(t => t.term))
            literal.Append(Quoted(term.Key)).Append(':').AppendJoin(',', term.Select(t => t.position)).Append(' ');
        return literal.ToString();
    }

    private static string Quoted(string lexeme) => "'" + lexeme.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
