using System.Text.Json.Nodes;
using Npgsql;
using PatternSync.PatternApi.Http;
using PatternSync.Testing;

namespace PatternApi.FunctionalTests;

/// <summary>The size limits measure a document as PostgreSQL prints it: checked against PostgreSQL itself.</summary>
public sealed class JsonbTextTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"a\": [1, 2, 3], \"b\": {\"c\": null, \"d\": true, \"e\": false}}")]
    [InlineData("[1e30, 0e-30, 1.50e2, 1.5e-3, 0.001e2, -0, -0.000, 1.0, -1.5E+2, 123.456e-1, 0.0e5, 12e-1, 0e999999, 100, 0.5, -7]")]
    [InlineData("[1e31, 123456789.123456789, 1.7976931348623157e15, 5e-324]")]
    [InlineData("{\"quote\\\"back\\\\slash\": \"é \\n\\t\\r\\b\\f \\u0001 \\u001f \\\"x\\\" \\\\ <>& \\ud83d\\ude00 \\u20ac\"}")]
    [InlineData("{\"z\": 1, \"a\": {\"nested\": [[], {}, [{\"k\": \"v\"}]]}}")]
    public async Task The_stored_length_is_the_length_PostgreSQL_prints(string json)
    {
        await using var connection = new NpgsqlConnection(TestServices.PostgresConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT octet_length($1::jsonb::text)", connection)
        {
            Parameters = { new() { Value = json } },
        };

        Assert.Equal(Convert.ToInt64(await command.ExecuteScalarAsync()), JsonbText.StoredLength(JsonNode.Parse(json)));
    }
}
