using PatternSync.Core.LexicalIndex;

namespace PatternSync.PatternApi.Retrieval;

public static class RetrievalExtensions
{
    public static IHostApplicationBuilder AddPatternRetrieval(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetrievalOptions>().BindConfiguration("Retrieval").ValidateDataAnnotations().ValidateOnStart();
        builder.AddPatternLexicalIndex();
        builder.Services.AddScoped<PatternRetriever>();
        return builder;
    }
}
