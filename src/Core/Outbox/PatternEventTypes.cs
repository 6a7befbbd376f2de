using System.Collections.Frozen;
using PatternSync.Contracts;

namespace PatternSync.Core.Outbox;

/// <summary>The events the outbox may carry, by the name stored in <c>outbox_messages.message_type</c>.</summary>
public static class PatternEventTypes
{
    public static readonly FrozenDictionary<string, Type> ByName = new[]
    {
        typeof(PatternCreated), typeof(PatternUpdated), typeof(PatternDeleted), typeof(PatternOutcomeRecorded),
    }.ToFrozenDictionary(type => type.Name);
}
