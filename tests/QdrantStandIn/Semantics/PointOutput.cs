using Qdrant.Client.Grpc;
using QdrantStandIn.Store;

namespace QdrantStandIn.Semantics;

/// <summary>Copies stored points into response messages, honouring with_payload and with_vectors.</summary>
internal static class PointOutput
{
    public static RetrievedPoint Retrieved(
        StoredPoint point, WithPayloadSelector? withPayload, bool payloadByDefault, WithVectorsSelector? withVectors)
    {
        var result = new RetrievedPoint { Id = point.Id.ToPointId() };
        if (PayloadSelection.Select(point.Payload, withPayload, payloadByDefault) is { } payload)
        {
            result.Payload.Add(payload.Fields);
        }

        if (WantsVector(withVectors))
        {
            result.Vectors = VectorConversions.ToOutput(point.Vector);
        }

        return result;
    }

    public static ScoredPoint Scored(
        StoredPoint point, float score, WithPayloadSelector? withPayload, WithVectorsSelector? withVectors)
    {
        var result = new ScoredPoint { Id = point.Id.ToPointId(), Score = score, Version = point.Version };
        if (PayloadSelection.Select(point.Payload, withPayload, defaultEnabled: false) is { } payload)
        {
            result.Payload.Add(payload.Fields);
        }

        if (WantsVector(withVectors))
        {
            result.Vectors = VectorConversions.ToOutput(point.Vector);
        }

        return result;
    }

    // The collection's only vector is the unnamed one, which Qdrant calls "".
    private static bool WantsVector(WithVectorsSelector? selector) => selector?.SelectorOptionsCase switch
    {
        WithVectorsSelector.SelectorOptionsOneofCase.Enable => selector.Enable,
        WithVectorsSelector.SelectorOptionsOneofCase.Include => selector.Include.Names.Contains(string.Empty),
        _ => false,
    };
}
