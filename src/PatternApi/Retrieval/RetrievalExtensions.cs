using PatternSync.Core.LexicalIndex;
using PatternSync.PatternApi.Confidence;

namespace PatternSync.PatternApi.Retrieval;

public static class RetrievalExtensions
{
    public static IHostApplicationBuilder AddPatternRetrieval(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetrievalOptions>().BindConfiguration("Retrieval").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPatternLexicalIndex();
        builder.Services.AddSingleton<ConfidenceCalibration>();
        builder.Services.AddScoped<PatternRetriever>();
        return builder;
    }
}
