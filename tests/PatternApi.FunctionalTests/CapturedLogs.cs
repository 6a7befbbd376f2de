using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace PatternApi.FunctionalTests;

/// <summary>A Serilog sink that keeps every event as text: the message and all its properties.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly MessageTemplateTextFormatter _format =
        new("{Level:u3} {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");
    private readonly StringWriter _text = new();

    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_text) _format.Format(logEvent, _text);
    }
}
