extern alias worker;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using worker::PatternSync.SyncWorker.Reconciliation;

namespace SyncPipeline.IntegrationTests;

/// <summary>The reconciliation schedule and options come from the options system alone, validated at start.</summary>
[Collection(PostgresPipeline.Name)]
public sealed class ReconciliationScheduleTests(PostgresPipelineFixture pipeline)
{
    [Fact]
    public async Task The_schedule_starts_after_the_initial_delay_the_options_resolve_to()
    {
        await using var worker = new WorkerHost(pipeline, TimeSpan.Zero, configure: builder => builder.ConfigureTestServices(services =>
            services.PostConfigure<ReconciliationOptions>(options => options.InitialDelay = TimeSpan.FromHours(20)))).Start();

        var scheduler = await worker.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(ReconciliationJob.Schedule);

        Assert.NotNull(trigger);
        Assert.InRange(trigger.StartTimeUtc - DateTimeOffset.UtcNow, TimeSpan.FromHours(19.9), TimeSpan.FromHours(20));
    }

    [Fact]
    public void The_old_rebuild_key_is_still_read()
    {
        var options = Options(("Reconciliation:RebuildOnWrongDimension", "false"));

        Assert.False(options.Value.RebuildOnModelMismatch);
    }

    [Theory]
    [InlineData("Interval", "00:00:00")]
    [InlineData("InitialDelay", "-00:00:01")]
    [InlineData("GracePeriod", "2.00:00:00")]
    public void A_schedule_out_of_range_fails_naming_it(string key, string value)
    {
        var options = Options(($"Reconciliation:{key}", value));

        var failure = Assert.Throws<OptionsValidationException>(() => options.Value);
        Assert.Contains(key, failure.Message);
    }

    private static IOptions<ReconciliationOptions> Options(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Configuration["ConnectionStrings:Patterns"] = "Host=unused";
        builder.AddReconciliation();
        return builder.Services.BuildServiceProvider().GetRequiredService<IOptions<ReconciliationOptions>>();
    }
}
