using PatternSync.Core.Filters;
using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;
using QdrantRange = Qdrant.Client.Grpc.Range;

namespace PatternSync.Core.VectorIndex.Qdrant;

/// <summary>Qdrant's filters: a search's <see cref="PatternFilter"/>, and the version guard of every write.</summary>
internal static class QdrantFilters
{
    public static Filter? Search(PatternFilter filter)
    {
        var result = new Filter();
        if (filter.PatternTypes.Count > 0) result.Must.Add(Match(QdrantPayloads.PatternType, filter.PatternTypes.ToList()));
        if (filter.Statuses.Count > 0) result.Must.Add(Match(QdrantPayloads.Status, filter.Statuses.ToList()));
        if (filter.Tags.Count > 0)
        {
            if (filter.AllTags) result.Must.AddRange(filter.Tags.Select(tag => MatchKeyword(QdrantPayloads.Tags, tag)));
            else result.Must.Add(Match(QdrantPayloads.Tags, filter.Tags.ToList()));
        }
        if (filter.MinQualityScore is { } quality) result.Must.Add(Range(QdrantPayloads.QualityScore, new QdrantRange { Gte = quality }));
        if (filter.MinSuccessRate is { } success) result.Must.Add(Range(QdrantPayloads.SuccessRate, new QdrantRange { Gte = success }));
        return result.Must.Count == 0 ? null : result;
    }

    /// <summary>
    /// Matches an existing point only where the write is newer than what it holds:
    /// OR over the writes of (this id AND (version below the write's, or no version at all)).
    /// Qdrant evaluates it atomically with the write, so two workers cannot interleave a stale write.
    /// </summary>
    public static Filter NewerThanIndexed(IEnumerable<(Guid Id, int Version)> writes, bool includeSameVersion)
    {
        var filter = new Filter();
        foreach (var (id, version) in writes)
        {
            var older = new QdrantRange { Lt = version + (includeSameVersion ? 1 : 0) };
            var guard = new Filter { Must = { HasId(id) } };
            var olderOrUnversioned = new Filter { Should = { Range(QdrantPayloads.Version, older), IsEmpty(QdrantPayloads.Version) } };
            guard.Must.Add(new Condition { Filter = olderOrUnversioned });
            filter.Should.Add(new Condition { Filter = guard });
        }
        return filter;
    }

    /// <summary>
    /// A payload-only write keeps the point's vector, so it must land only on the text it was compared with:
    /// the version guard plus "this content hash".
    /// </summary>
    public static Filter SameTextNewerThanIndexed(PatternPayload payload, bool includeSameVersion)
    {
        var filter = NewerThanIndexed([(payload.PatternId, payload.Version)], includeSameVersion);
        filter.Must.Add(MatchKeyword(QdrantPayloads.ContentHash, payload.ContentHash));
        return filter;
    }
}
