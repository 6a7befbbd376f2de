using Microsoft.Extensions.Options;
using PatternSync.Core.Hosting;
using PatternSync.Core.Persistence;
using Quartz;

namespace PatternSync.SyncWorker.Reconciliation;

public static class ReconciliationExtensions
{
    /// <summary>
    /// The reconciliation job on Quartz with a clustered job store in PostgreSQL (Quartz's own schema,
    /// which Quartz provisions at start when missing), so with several workers one runs it at a time.
    /// </summary>
    public static IHostApplicationBuilder AddReconciliation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration("Reconciliation")
            .BindRenamedKey("Reconciliation:RebuildOnWrongDimension", "Reconciliation:RebuildOnModelMismatch")
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<Reconciler>();
        var connectionString = builder.Configuration.GetConnectionString(PatternDatabaseExtensions.ConnectionStringName)!;
        builder.Services.Configure<QuartzOptions>(quartz =>
        {
            // One scheduler name across workers, a distinct instance id each: that is what makes a cluster.
            quartz.Properties["quartz.scheduler.instanceName"] = "patternsync";
            quartz.Properties["quartz.scheduler.instanceId"] = "AUTO";
        });
        builder.Services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering();
                store.UseSystemTextJsonSerializer();
                // Quartz creates its own tables when missing, exactly as the running version reads them.
                store.ProvisionSchema();
            });
            quartz.AddJob<ReconciliationJob>(job => job.WithIdentity(ReconciliationJob.Key).StoreDurably());
            quartz.AddTrigger((services, trigger) =>
                Schedule(trigger, services.GetRequiredService<IOptions<ReconciliationOptions>>().Value));
        });
        builder.Services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        return builder;
    }

    private static void Schedule(ITriggerConfigurator<IJob> trigger, ReconciliationOptions options) => trigger
        .ForJob(ReconciliationJob.Key)
        .WithIdentity(ReconciliationJob.Schedule)
        .StartAt(DateTimeOffset.UtcNow + options.InitialDelay)
        .WithSimpleSchedule(schedule => schedule.WithInterval(options.Interval).RepeatForever());
}
