using Google.Protobuf;
using Grpc.Core;

namespace QdrantStandIn.Grpc;

/// <summary>
/// Qdrant.Client ships client stubs only, so the server-side method descriptors are made by hand
/// here from its public message types. Names must match Qdrant's .proto exactly.
/// </summary>
internal static class UnaryBinder
{
    public static void Add<TRequest, TResponse>(
        ServiceBinderBase binder, string service, string method, UnaryServerMethod<TRequest, TResponse>? handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var descriptor = new Method<TRequest, TResponse>(
            MethodType.Unary, service, method, MarshallerFor<TRequest>(), MarshallerFor<TResponse>());
        // ASP.NET Core's binder passes a null service and finds the handler by the method's name,
        // so a null handler is expected here.
        binder.AddMethod(descriptor, handler);
    }

    private static Marshaller<T> MarshallerFor<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}
