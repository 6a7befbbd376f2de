namespace PatternSync.PatternApi.Ranking;

public static class RankingExtensions
{
    public static IHostApplicationBuilder AddPatternRanking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RankingOptions>().BindConfiguration("Ranking").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SuccessEstimator>();
        builder.Services.AddSingleton<SuccessPriors>();
        builder.Services.AddSingleton<OutcomeEvidenceReader>();
        builder.Services.AddSingleton<MatchRanker>();
        return builder;
    }
}
