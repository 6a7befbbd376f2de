using System.Text.Json.Serialization;

namespace PatternSync.Core.Reconciliation;

/// <summary>The report of one reconciliation: what drift it found per kind, what it repaired, how long it took.</summary>
public sealed class ReconciliationRun
{
    public long Id { get; set; }
    /// <summary>"schedule" or "request".</summary>
    public required string Trigger { get; set; }
    /// <summary>"running", "succeeded" or "failed".</summary>
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int RowsChecked { get; set; }
    public int PointsChecked { get; set; }
    /// <summary>Rows with no point.</summary>
    public int Missing { get; set; }
    /// <summary>Points holding an older version than the row.</summary>
    public int StaleVersion { get; set; }
    /// <summary>Points at the row's version whose payload (content hash) differs, or that claim a version the row never had.</summary>
    public int StalePayload { get; set; }
    /// <summary>Points with no row.</summary>
    public int Orphans { get; set; }
    /// <summary>
    /// 1 when the index holds vectors of another model (of another size or not) than the embedder's, repaired only by a rebuild.
    /// Still <c>wrong_dimension</c> outside (REST, column, metric label), the name operators know.
    /// </summary>
    [JsonPropertyName("wrong_dimension")]
    public int ModelMismatch { get; set; }
    /// <summary>Rows changed within the grace period and not indexed yet: in flight through the pipeline, not drift.</summary>
    public int InFlight { get; set; }
    public int Repaired { get; set; }
    public int Failed { get; set; }
    public string? Error { get; set; }
}
