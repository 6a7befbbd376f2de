using System.ComponentModel.DataAnnotations;

namespace PatternSync.PatternApi.Ranking;

/// <summary>
/// Section "Ranking": the parameters of "fit × works" (docs/learning.md gives the formula). Strengths and weights are
/// counted in outcomes' worth: a strength of 2 weighs as much as two fresh outcomes from the same query.
/// </summary>
public sealed class RankingOptions
{
    /// <summary>Candidates read from the index and re-ranked by a learned match; at least the request's limit.</summary>
    [Range(1, 1000)]
    public int CandidatePool { get; set; } = 30;

    /// <summary>The prior's mean when the library has no outcome yet.</summary>
    [Range(0.01, 0.99)]
    public double DefaultSuccessRate { get; set; } = 0.5;

    /// <summary>How much the library-wide rate counts against a pattern type's own outcomes in the type's prior mean.</summary>
    [Range(0.0, 100_000)]
    public double TypePriorWeight { get; set; } = 20;

    /// <summary>The Beta prior's strength around that mean, for a pattern's overall rate.</summary>
    [Range(0.01, 1000)]
    public double PriorStrength { get; set; } = 2;

    /// <summary>How much the pattern's overall rate counts in the estimate for one query, against the outcomes nearby.</summary>
    [Range(0.01, 1000)]
    public double ShrinkStrength { get; set; } = 2;

    /// <summary>An outcome's weight halves with each half-life of age.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The context kernel: an outcome whose match's query is at cosine <c>c</c> from this one weighs
    /// <c>exp(-(1 - c) / ContextBandwidth)</c>: at 0.2 a query at cosine 0.8 weighs e^-1, one at cosine 0.4 e^-3.
    /// Chosen on the learning benchmark's tune split (docs/learning.md).
    /// </summary>
    [Range(0.001, 10)]
    public double ContextBandwidth { get; set; } = 0.2;

    /// <summary>The newest outcomes read per candidate; older ones weigh little after a few half-lives.</summary>
    [Range(1, 100_000)]
    public int MaxOutcomesPerPattern { get; set; } = 500;

    /// <summary>Memory for candidates' outcomes, each kept until its pattern's next change (least recently used go first).</summary>
    [Range(0, 16L * 1024 * 1024 * 1024)]
    public long EvidenceCacheBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How long the library and pattern-type rates behind the priors are reused before they are read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PriorRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
