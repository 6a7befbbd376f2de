using Microsoft.Extensions.Primitives;
using PatternSync.PatternApi.Http;

namespace PatternSync.UnitTests;

public sealed class VersionPreconditionsTests
{
    [Theory]
    [InlineData("\"3\"", 3)]
    [InlineData("W/\"3\"", 3)]
    [InlineData("3", 3)]
    [InlineData("*", null)]
    public void Accepts_the_forms_a_client_sends(string header, int? expected)
    {
        Assert.True(VersionPreconditions.TryParseIfMatch(new StringValues(header), out var version));
        Assert.Equal(expected, version);
    }

    [Fact]
    public void No_header_means_no_precondition()
    {
        Assert.True(VersionPreconditions.TryParseIfMatch(StringValues.Empty, out var version));
        Assert.Null(version);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"0\"")]
    [InlineData("-2")]
    [InlineData("\"1\", \"2\"")]
    public void Rejects_what_is_not_one_version(string header) =>
        Assert.False(VersionPreconditions.TryParseIfMatch(new StringValues(header), out _));

    [Fact]
    public void The_etag_is_the_quoted_version() => Assert.Equal("\"12\"", VersionPreconditions.ETag(12));
}
