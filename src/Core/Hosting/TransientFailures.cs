using System.ClientModel;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Npgsql;

namespace PatternSync.Core.Hosting;

/// <summary>
/// Failures of a part that does not answer for now (PostgreSQL, Qdrant, the embedder), as opposed to
/// failures of the request or event itself: the API answers them with a 503, the worker waits them out.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        // Clients wrap what the network said (EF, the OpenAI client, HttpClient's timeout): look at every layer.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate) return aggregate.InnerExceptions.Any(IsTransient);
            if (e switch
                {
                    NpgsqlException npgsql => npgsql.IsTransient,
                    RpcException rpc =>
                        rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted,
                    ClientResultException client => client.Status is 0 or 408 or 429 or >= 500,
                    HttpRequestException http => http.StatusCode is null or HttpStatusCode.RequestTimeout
                        or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError,
                    TimeoutException or SocketException => true,
                    _ => false,
                })
                return true;
        }
        return false;
    }
}
