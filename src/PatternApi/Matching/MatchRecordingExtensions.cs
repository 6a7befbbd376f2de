namespace PatternSync.PatternApi.Matching;

public static class MatchRecordingExtensions
{
    /// <summary>Match records: queued by <see cref="MatchRecorder"/>, written in the background, pruned after their retention.</summary>
    public static IHostApplicationBuilder AddMatchRecords(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MatchRecorder>();
        builder.Services.AddHostedService<MatchRecordWriter>();
        builder.Services.AddSingleton<MatchRecordPruner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MatchRecordPruner>());
        return builder;
    }
}
