using Qdrant.Client.Grpc;
using QdrantStandIn.Semantics;

namespace QdrantStandIn.Store;

/// <summary>
/// The mutating point operations. Each validates the whole request before touching anything, so a
/// request that fails writes nothing (a Qdrant update is applied as one operation).
/// Callers hold the state lock.
/// </summary>
internal static class PointsWriter
{
    public static UpdateResult Upsert(QdrantStandInState state, UpsertPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        var mode = request.HasUpdateMode ? request.UpdateMode : UpdateMode.Upsert;
        var accepted = new List<(PointKey Key, float[] Vector, Struct Payload)>();
        foreach (var point in request.Points)
        {
            var key = PointKey.From(point.Id);
            var vector = VectorConversions.FromPoint(collection, point.Vectors);
            var exists = collection.Points.TryGetValue(key, out var existing);
            var skip = exists
                ? mode == UpdateMode.InsertOnly
                  || (request.UpdateFilter is not null && !FilterEvaluator.Matches(request.UpdateFilter, existing!))
                : mode == UpdateMode.UpdateOnly;
            if (!skip)
            {
                accepted.Add((key, vector, new Struct { Fields = { point.Payload } }.Clone()));
            }
        }

        var operationId = state.NextOperationId();
        foreach (var (key, vector, payload) in accepted)
        {
            collection.Points[key] = new StoredPoint(key, vector, payload, operationId);
        }

        return Completed(operationId);
    }

    public static UpdateResult UpdateVectors(QdrantStandInState state, UpdatePointVectors request)
    {
        var collection = state.Resolve(request.CollectionName);
        var accepted = new List<(StoredPoint Point, float[] Vector)>();
        foreach (var update in request.Points)
        {
            var key = PointKey.From(update.Id);
            var vector = VectorConversions.FromPoint(collection, update.Vectors);
            var point = collection.Points.GetValueOrDefault(key) ?? throw StandInErrors.PointNotFound(key);
            if (request.UpdateFilter is null || FilterEvaluator.Matches(request.UpdateFilter, point))
            {
                accepted.Add((point, vector));
            }
        }

        var operationId = state.NextOperationId();
        foreach (var (point, vector) in accepted)
        {
            point.Vector = vector;
            point.Version = operationId;
        }

        return Completed(operationId);
    }

    public static UpdateResult Delete(QdrantStandInState state, DeletePoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        var keys = Select(collection, request.Points, idsMustExist: false);
        var operationId = state.NextOperationId();
        foreach (var key in keys)
        {
            collection.Points.Remove(key);
        }

        return Completed(operationId);
    }

    /// <param name="overwrite">OverwritePayload replaces the payload (or the object under the key) instead of merging.</param>
    public static UpdateResult SetPayload(QdrantStandInState state, SetPayloadPoints request, bool overwrite)
    {
        var collection = state.Resolve(request.CollectionName);
        var points = Points(collection, request.PointsSelector);
        var operationId = state.NextOperationId();
        foreach (var point in points)
        {
            var target = request.HasKey ? PayloadPath.GetOrCreateObject(point.Payload, request.Key) : point.Payload;

            if (overwrite)
            {
                target.Fields.Clear();
            }

            // Qdrant's set-payload merges at the top level: a given key replaces the stored value whole.
            foreach (var (key, value) in request.Payload)
            {
                target.Fields[key] = value.Clone();
            }

            point.Version = operationId;
        }

        return Completed(operationId);
    }

    public static UpdateResult DeletePayload(QdrantStandInState state, DeletePayloadPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        var points = Points(collection, request.PointsSelector);
        var operationId = state.NextOperationId();
        foreach (var point in points)
        {
            foreach (var key in request.Keys)
            {
                PayloadPath.Delete(point.Payload, key);
            }

            point.Version = operationId;
        }

        return Completed(operationId);
    }

    public static UpdateResult ClearPayload(QdrantStandInState state, ClearPayloadPoints request)
    {
        var collection = state.Resolve(request.CollectionName);
        var points = Points(collection, request.Points);
        var operationId = state.NextOperationId();
        foreach (var point in points)
        {
            point.Payload = new Struct();
            point.Version = operationId;
        }

        return Completed(operationId);
    }

    public static UpdateResult CreateFieldIndex(QdrantStandInState state, CreateFieldIndexCollection request)
    {
        var collection = state.Resolve(request.CollectionName);
        // Qdrant would infer a missing type from the data; keyword is what the client defaults to.
        var fieldType = request.HasFieldType ? request.FieldType : FieldType.Keyword;
        // PayloadSchemaType is FieldType shifted by one (it reserves 0 for "unknown").
        var schemaType = (PayloadSchemaType)((int)fieldType + 1);
        collection.PayloadIndexes[request.FieldName] = new PayloadIndex(schemaType, request.FieldIndexParams?.Clone());
        return Completed(state.NextOperationId());
    }

    public static UpdateResult DeleteFieldIndex(QdrantStandInState state, DeleteFieldIndexCollection request)
    {
        var collection = state.Resolve(request.CollectionName);
        collection.PayloadIndexes.Remove(request.FieldName);
        return Completed(state.NextOperationId());
    }

    private static UpdateResult Completed(ulong operationId) =>
        new() { OperationId = operationId, Status = UpdateStatus.Completed };

    // Payload operations on an id that does not exist fail in Qdrant, unlike deletes.
    private static List<StoredPoint> Points(StandInCollection collection, PointsSelector? selector) =>
        Select(collection, selector, idsMustExist: true).Select(key => collection.Points[key]).ToList();

    private static List<PointKey> Select(StandInCollection collection, PointsSelector? selector, bool idsMustExist)
    {
        switch (selector?.PointsSelectorOneOfCase)
        {
            case PointsSelector.PointsSelectorOneOfOneofCase.Points:
                var keys = selector.Points.Ids.Select(PointKey.From).Distinct().ToList();
                var missing = keys.Where(k => !collection.Points.ContainsKey(k)).ToList();
                if (idsMustExist && missing.Count > 0)
                {
                    throw StandInErrors.PointNotFound(missing[0]);
                }

                return keys.Except(missing).ToList();
            case PointsSelector.PointsSelectorOneOfOneofCase.Filter:
                return collection.Points.Values
                    .Where(p => FilterEvaluator.Matches(selector.Filter, p))
                    .Select(p => p.Id)
                    .ToList();
            default:
                throw StandInErrors.BadInput("points selector is missing");
        }
    }
}
