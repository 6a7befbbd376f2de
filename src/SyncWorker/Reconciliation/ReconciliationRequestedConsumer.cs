using MassTransit;
using PatternSync.Contracts;
using Quartz;

namespace PatternSync.SyncWorker.Reconciliation;

/// <summary>Turns the API's request into a run of the job now; the clustered store lets only one worker run it.</summary>
public sealed class ReconciliationRequestedConsumer(ISchedulerFactory schedulers) : IConsumer<ReconciliationRequested>
{
    public async Task Consume(ConsumeContext<ReconciliationRequested> context)
    {
        var scheduler = await schedulers.GetScheduler(context.CancellationToken);
        var data = new JobDataMap { [ReconciliationJob.TriggerKey] = "request" };
        await scheduler.TriggerJob(ReconciliationJob.Key, data, context.CancellationToken);
    }
}
