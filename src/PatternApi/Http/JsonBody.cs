using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PatternSync.PatternApi.Http;

/// <summary>
/// Reads a request body as one JSON object, bounded in size and depth, and turns every way it can
/// be wrong into a ProblemDetails: 415 (not JSON), 413 (too large), 400 (not parseable, not an object).
/// Handlers read bodies themselves because JSON merge patch needs the raw document, and because
/// a field-by-field validator can name each bad field.
/// </summary>
public static class JsonBody
{
    public static async Task<Result> ReadObjectAsync(HttpRequest request, ApiOptions limits, params string[] mediaTypes)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !mediaTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as {string.Join(" or ", mediaTypes)}.");
        if (request.ContentLength > limits.MaxBodyBytes)
            return TooLarge(limits);

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limits.MaxBodyBytes) return TooLarge(limits);
            buffer.Write(chunk, 0, read);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), nodeOptions: null,
                new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {e.Message}");
        }
        return node is JsonObject obj
            ? new Result(obj, null)
            : Problem(StatusCodes.Status400BadRequest, "The body must be a JSON object", "Send a JSON object such as {\"name\": \"...\"}.");
    }

    private static Result TooLarge(ApiOptions limits) => Problem(StatusCodes.Status413PayloadTooLarge, "Body too large",
        $"The body may be at most {limits.MaxBodyBytes} bytes.");

    private static Result Problem(int status, string title, string detail) =>
        new(null, TypedResults.Problem(title: title, detail: detail, statusCode: status));

    public sealed record Result(JsonObject? Body, ProblemHttpResult? Problem);
}
