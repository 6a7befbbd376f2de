using Quartz;

namespace PatternSync.SyncWorker.Reconciliation;

/// <summary>The scheduled reconciliation; the clustered job store and this attribute make it run once at a time across workers.</summary>
[DisallowConcurrentExecution]
public sealed class ReconciliationJob(Reconciler reconciler) : IJob
{
    public static readonly JobKey Key = new("reconciliation", "patternsync");
    public static readonly TriggerKey Schedule = new("reconciliation-schedule", "patternsync");
    public const string TriggerKey = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var trigger = context.MergedJobDataMap.TryGetString(TriggerKey, out var value) && value is not null ? value : "schedule";
        await reconciler.RunAsync(trigger, cancellationToken);
    }
}
