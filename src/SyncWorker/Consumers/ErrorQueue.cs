using MassTransit;

namespace PatternSync.SyncWorker.Consumers;

/// <summary>Moves one message of a batch to its endpoint's error queue ({queue}_error), keeping its body and headers.</summary>
public static class ErrorQueue
{
    public static async Task MoveAsync<T>(ConsumeContext<T> message, string reason) where T : class
    {
        var queue = message.ReceiveContext.InputAddress.AbsolutePath.Trim('/').Split('/')[^1];
        var errors = await message.GetSendEndpoint(new Uri($"queue:{queue}_error"));
        await errors.Send(message.Message, send =>
        {
            send.MessageId = message.MessageId;
            send.Headers.Set("MT-Reason", "rejected");
            send.Headers.Set("MT-Fault-Message", reason);
        });
    }
}
