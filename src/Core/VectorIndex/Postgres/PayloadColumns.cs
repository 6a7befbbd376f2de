using Npgsql;

namespace PatternSync.Core.VectorIndex.Postgres;

/// <summary>
/// A <see cref="PatternPayload"/> as pattern_vectors columns, derived from <see cref="PatternPayloadFields"/>: each field is
/// a column of its name, bound as a parameter of its name (<c>@pattern_type</c>).
/// </summary>
public static class PayloadColumns
{
    /// <summary>Every payload column, in field order: the order <see cref="Read"/> expects.</summary>
    public static readonly string List = string.Join(", ", PatternPayloadFields.All.Select(f => f.Name));

    internal static readonly string Parameters = string.Join(", ", PatternPayloadFields.All.Select(f => "@" + f.Name));

    private static readonly IEnumerable<string> Updatable =
        PatternPayloadFields.All.Select(f => f.Name).Where(name => name != PatternPayloadFields.PatternId);

    /// <summary>The SET list of an upsert: each column but the key from <c>EXCLUDED</c>.</summary>
    internal static readonly string SetFromExcluded = string.Join(", ", Updatable.Select(c => $"{c} = EXCLUDED.{c}"));

    /// <summary>The SET list of an update: each column but the key from its parameter.</summary>
    internal static readonly string SetFromParameters = string.Join(", ", Updatable.Select(c => $"{c} = @{c}"));

    internal static void AddParameters(NpgsqlParameterCollection parameters, PatternPayload payload)
    {
        foreach (var field in PatternPayloadFields.All) parameters.AddWithValue(field.Name, field.ToSql(payload));
    }

    /// <summary>A payload from a row selecting <see cref="List"/> from ordinal <paramref name="first"/> on.</summary>
    public static PatternPayload Read(NpgsqlDataReader reader, int first) =>
        PatternPayloadFields.All.Select((field, i) => (field, ordinal: first + i))
            .Aggregate(PatternPayloadFields.Blank, (payload, f) => f.field.FromSql(payload, reader, f.ordinal));
}
