using System.Reflection;
using System.Text.RegularExpressions;
using PatternSync.Core.VectorIndex;

namespace PatternSync.UnitTests;

/// <summary>The payload's field list against the record it describes.</summary>
public sealed class PatternPayloadFieldsTests
{
    [Fact]
    public void Every_property_of_the_payload_has_one_field_named_after_it()
    {
        var properties = typeof(PatternPayload).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => Regex.Replace(p.Name, "(?<=[a-z])([A-Z])", "_$1").ToLowerInvariant());

        Assert.Equal(properties.Order(), PatternPayloadFields.All.Select(f => f.Name).Order());
    }
}
