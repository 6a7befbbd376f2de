using Grpc.Core;

namespace QdrantStandIn;

/// <summary>
/// Status codes and message wording copied from real Qdrant, so that callers which parse or
/// log them behave the same against the stand-in.
/// </summary>
internal static class StandInErrors
{
    public static RpcException CollectionNotFound(string name) =>
        NotFound($"Collection `{name}` doesn't exist!");

    public static RpcException CollectionAlreadyExists(string name) =>
        BadInput($"Collection `{name}` already exists!");

    public static RpcException AliasNotFound(string name) =>
        NotFound($"Alias `{name}` doesn't exist!");

    public static RpcException PointNotFound(object id) =>
        NotFound($"No point with id {id} found");

    public static RpcException DimensionMismatch(ulong expected, int got) =>
        BadInput($"Vector dimension error: expected dim: {expected}, got {got}");

    public static RpcException VectorNameNotFound(string name) =>
        BadInput($"Not existing vector name error: {name}");

    public static RpcException BadInput(string message) =>
        new(new Status(StatusCode.InvalidArgument, "Wrong input: " + message));

    public static RpcException NotFound(string message) =>
        new(new Status(StatusCode.NotFound, "Not found: " + message));

    // Unimplemented (not InvalidArgument) so that a test hitting a gap in the stand-in is told
    // plainly that the stand-in, not its own request, is at fault.
    public static RpcException Unsupported(string feature) =>
        new(new Status(StatusCode.Unimplemented, $"Qdrant stand-in does not support {feature}"));
}
