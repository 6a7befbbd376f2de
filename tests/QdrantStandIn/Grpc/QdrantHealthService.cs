using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn.Grpc;

/// <summary><c>qdrant.Qdrant</c>: the health check.</summary>
[BindServiceMethod(typeof(QdrantHealthService), nameof(BindService))]
internal class QdrantHealthService
{
    private const string Service = "qdrant.Qdrant";

    /// <summary>Says it is a stand-in in the version, so nobody mistakes it for a real server in logs.</summary>
    public const string Version = "1.x-standin";

    public static void BindService(ServiceBinderBase binder, QdrantHealthService? service) =>
        UnaryBinder.Add<HealthCheckRequest, HealthCheckReply>(binder, Service, "HealthCheck", service is null ? null : service.HealthCheck);

    public virtual Task<HealthCheckReply> HealthCheck(HealthCheckRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthCheckReply { Title = "qdrant - vector search engine", Version = Version });
}
