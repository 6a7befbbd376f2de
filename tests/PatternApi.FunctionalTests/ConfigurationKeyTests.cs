using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatternSync.Core.VectorIndex;
using PatternSync.Core.VectorIndex.Qdrant;
using PatternSync.PatternApi;
using PatternSync.PatternApi.Http;
using PatternSync.PatternApi.Ranking;
using PatternSync.PatternApi.Security;
using PatternSync.ServiceDefaults;
using Serilog.Core;

namespace PatternApi.FunctionalTests;

/// <summary>Renamed keys an operator may still set (read, with a warning) and options that fail the start naming the bad key.</summary>
public sealed class ConfigurationKeyTests
{
    public static TheoryData<string, string, string> RenamedKeys => new()
    {
        { "Auth:RequestTimeout", "Api:RequestTimeout", "00:00:07" },
        { "Auth:WritesPerSecond", "RateLimits:WritesPerSecond", "7" },
        { "Auth:WriteBurst", "RateLimits:WriteBurst", "7" },
        { "Auth:ReadsPerSecond", "RateLimits:ReadsPerSecond", "7" },
        { "Auth:ReadBurst", "RateLimits:ReadBurst", "7" },
        { "Auth:FailedAuthenticationsPerMinute", "RateLimits:FailedAuthenticationsPerMinute", "7" },
        { "Qdrant:Collection", "Qdrant:Alias", "old_alias" },
    };

    [Theory]
    [MemberData(nameof(RenamedKeys))]
    public void An_old_key_set_alone_is_used_with_a_warning_naming_the_new_key(string oldKey, string newKey, string value)
    {
        var logs = new CapturedLogs();
        using var host = Host(logs, (oldKey, value));

        Assert.Equal(value, Read(host, newKey));
        Assert.Contains(logs.Text.Split('\n'), line =>
            line.StartsWith("WRN PatternSync.Core.Hosting.RenamedKeys:") && line.Contains(oldKey) && line.Contains(newKey));
    }

    [Theory]
    [MemberData(nameof(RenamedKeys))]
    public void The_new_key_wins_over_the_old_one_without_a_warning(string oldKey, string newKey, string value)
    {
        var logs = new CapturedLogs();
        using var host = Host(logs, (oldKey, value), (newKey, NewValue(newKey)));

        Assert.Equal(NewValue(newKey), Read(host, newKey));
        Assert.DoesNotContain("RenamedKeys", logs.Text);
    }

    [Theory]
    [InlineData("Api:RequestTimeout", "00:00:00", "RequestTimeout")]
    [InlineData("RateLimits:ReadsPerSecond", "0", "ReadsPerSecond")]
    [InlineData("Qdrant:Alias", "no spaces allowed", "Alias")]
    [InlineData("VectorIndex:Provider", "7", "Provider")]
    [InlineData("Ranking:ContextBandwidth", "0", "ContextBandwidth")]
    [InlineData("Ranking:HalfLife", "00:00:00", "HalfLife")]
    public async Task A_bad_value_fails_the_start_naming_the_key(string key, string value, string member)
    {
        using var host = Host(new CapturedLogs(), (key, value));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains($"'{member}'", failure.Message);
    }

    [Fact]
    public async Task A_vector_index_provider_outside_the_list_fails_the_start_naming_the_key()
    {
        using var host = Host(new CapturedLogs(), ("VectorIndex:Provider", "Elastic"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("'VectorIndex:Provider'", failure.Message);
    }

    private static string NewValue(string key) => key == "Qdrant:Alias" ? "new_alias" : key.StartsWith("Api:") ? "00:00:09" : "9";

    private static string Read(IHost host, string key) => key switch
    {
        "Api:RequestTimeout" => host.Services.GetRequiredService<IOptions<ApiOptions>>().Value.RequestTimeout.ToString(),
        "Qdrant:Alias" => host.Services.GetRequiredService<IOptions<QdrantOptions>>().Value.Alias,
        _ => typeof(RateLimitOptions).GetProperty(key.Split(':')[1])!
            .GetValue(host.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value)!.ToString()!,
    };

    private static IHost Host(ILogEventSink logs, params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.AddServiceDefaults();
        builder.AddRequestLimits();
        builder.AddApiSecurity();
        builder.AddPatternVectorIndex();
        builder.AddPatternRanking();
        builder.Services.AddSingleton(logs);
        return builder.Build();
    }
}
