using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn.Semantics;

/// <summary>
/// The read operations: retrieve, exact search, query, scroll and count. Callers hold the state lock.
/// </summary>
internal static class PointsReader
{
    private const ulong DefaultLimit = 10;

    public static IEnumerable<RetrievedPoint> Get(QdrantStandInState state, GetPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        // Qdrant returns each existing point once and silently skips unknown ids.
        return request.Ids
            .Select(PointKey.From)
            .Distinct()
            .Where(collection.Points.ContainsKey)
            .Select(key => PointOutput.Retrieved(collection.Points[key], request.WithPayload, payloadByDefault: true, request.WithVectors))
            .ToList();
    }

    public static IEnumerable<ScoredPoint> Search(QdrantStandInState state, SearchPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        if (request.HasVectorName && request.VectorName.Length != 0)
        {
            throw StandInErrors.VectorNameNotFound(request.VectorName);
        }

        if (request.SparseIndices is not null)
        {
            throw StandInErrors.Unsupported("sparse vectors");
        }

        var query = VectorConversions.FromQuery(collection, request.Vector);
        var threshold = request.HasScoreThreshold ? request.ScoreThreshold : (float?)null;
        return Nearest(collection, query, request.Filter, threshold, candidates: null, exclude: null)
            .Skip(Clamp(request.HasOffset ? request.Offset : 0))
            .Take(Clamp(request.Limit))
            .Select(hit => PointOutput.Scored(hit.Point, hit.Score, request.WithPayload, request.WithVectors))
            .ToList();
    }

    public static IEnumerable<ScoredPoint> Query(QdrantStandInState state, QueryPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        CheckUsing(request.HasUsing, request.Using);
        var threshold = request.HasScoreThreshold ? request.ScoreThreshold : (float?)null;
        var hits = Run(collection, request.Query, request.Prefetch, request.Filter, threshold);
        return hits
            .Skip(Clamp(request.HasOffset ? request.Offset : 0))
            .Take(Clamp(request.HasLimit ? request.Limit : DefaultLimit))
            .Select(hit => PointOutput.Scored(hit.Point, hit.Score, request.WithPayload, request.WithVectors))
            .ToList();
    }

    /// <summary>
    /// Points in id order (numeric ids first, then UUIDs in canonical string order), starting at the
    /// offset id inclusive; the next page offset is the first id not returned.
    /// </summary>
    public static ScrollResponse Scroll(QdrantStandInState state, ScrollPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        if (request.OrderBy is not null)
        {
            throw StandInErrors.Unsupported("scroll order_by");
        }

        var start = request.Offset is null ? (PointKey?)null : PointKey.From(request.Offset);
        var limit = request.HasLimit ? request.Limit : (uint)DefaultLimit;
        var page = collection.Points.Values
            .Where(p => start is null || p.Id.CompareTo(start.Value) >= 0)
            .Where(p => FilterEvaluator.Matches(request.Filter, p))
            .Take(Clamp((ulong)limit + 1))
            .ToList();

        var response = new ScrollResponse();
        response.Result.Add(page.Take((int)limit)
            .Select(p => PointOutput.Retrieved(p, request.WithPayload, payloadByDefault: true, request.WithVectors)));
        if (page.Count > limit)
        {
            response.NextPageOffset = page[^1].Id.ToPointId();
        }

        return response;
    }

    /// <summary>Always exact, whatever the request's <c>exact</c> flag says.</summary>
    public static ulong Count(QdrantStandInState state, CountPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        return (ulong)collection.Points.Values.Count(p => FilterEvaluator.Matches(request.Filter, p));
    }

    private static List<(StoredPoint Point, float Score)> Run(
        StandInCollection collection, Query? query, RepeatedField<PrefetchQuery> prefetch, Filter? filter, float? threshold)
    {
        HashSet<PointKey>? candidates = null;
        if (prefetch.Count > 0)
        {
            // Qdrant's main query rescores the union of what its prefetches found.
            candidates = [];
            foreach (var inner in prefetch)
            {
                CheckUsing(inner.HasUsing, inner.Using);
                var innerFilter = Combine(filter, inner.Filter);
                var innerThreshold = inner.HasScoreThreshold ? inner.ScoreThreshold : (float?)null;
                var found = Run(collection, inner.Query, inner.Prefetch, innerFilter, innerThreshold)
                    .Take(Clamp(inner.HasLimit ? inner.Limit : DefaultLimit));
                candidates.UnionWith(found.Select(hit => hit.Point.Id));
            }
        }

        switch (query?.VariantCase)
        {
            case null:
            case Qdrant.Client.Grpc.Query.VariantOneofCase.None:
                if (candidates is not null)
                {
                    throw StandInErrors.Unsupported("prefetch without a main query");
                }

                // Without a query Qdrant pages through points by id, like scroll, with no score.
                return collection.Points.Values
                    .Where(p => FilterEvaluator.Matches(filter, p))
                    .Select(p => (p, 0f))
                    .ToList();
            case Qdrant.Client.Grpc.Query.VariantOneofCase.Nearest:
                var vector = VectorConversions.FromVectorInput(collection, query.Nearest);
                // Like Qdrant, a point used as the query is not returned as its own neighbour.
                var exclude = query.Nearest.VariantCase == VectorInput.VariantOneofCase.Id
                    ? PointKey.From(query.Nearest.Id)
                    : (PointKey?)null;
                return Nearest(collection, vector, filter, threshold, candidates, exclude);
            default:
                throw StandInErrors.Unsupported($"query {query.VariantCase}");
        }
    }

    private static List<(StoredPoint Point, float Score)> Nearest(
        StandInCollection collection, float[] query, Filter? filter, float? threshold,
        HashSet<PointKey>? candidates, PointKey? exclude)
    {
        var distance = collection.Distance;
        var higherIsBetter = VectorMath.HigherIsBetter(distance);
        var hits = collection.Points.Values
            .Where(p => (candidates is null || candidates.Contains(p.Id)) && p.Id != exclude)
            .Where(p => FilterEvaluator.Matches(filter, p))
            .Select(p => (Point: p, Score: VectorMath.Score(distance, p.Vector, query)))
            .Where(hit => threshold is null || VectorMath.PassesThreshold(distance, hit.Score, threshold.Value))
            .ToList();

        hits.Sort((a, b) =>
        {
            var byScore = higherIsBetter ? b.Score.CompareTo(a.Score) : a.Score.CompareTo(b.Score);
            return byScore != 0 ? byScore : a.Point.Id.CompareTo(b.Point.Id);
        });
        return hits;
    }

    private static Filter? Combine(Filter? outer, Filter? inner) => (outer, inner) switch
    {
        (null, _) => inner,
        (_, null) => outer,
        _ => new Filter { Must = { new Condition { Filter = outer }, new Condition { Filter = inner } } },
    };

    private static void CheckUsing(bool hasUsing, string name)
    {
        if (hasUsing && name.Length != 0)
        {
            throw StandInErrors.VectorNameNotFound(name);
        }
    }

    private static int Clamp(ulong value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
