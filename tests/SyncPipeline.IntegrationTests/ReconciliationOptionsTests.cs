extern alias worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using worker::PatternSync.SyncWorker.Reconciliation;

namespace SyncPipeline.IntegrationTests;

/// <summary>The reconciliation options as the worker registers them: validated, old key still read.</summary>
public sealed class ReconciliationOptionsTests
{
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
