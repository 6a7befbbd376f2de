using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PatternSync.Core.Hosting;

/// <summary>Configuration keys an operator may still set under their old names.</summary>
public static class RenamedKeys
{
    /// <summary>
    /// When only <paramref name="oldKey"/> is set, its value fills the option <paramref name="newKey"/> names
    /// ("Section:Property"), and a warning names both keys.
    /// </summary>
    public static OptionsBuilder<T> BindRenamedKey<T>(this OptionsBuilder<T> options, string oldKey, string newKey) where T : class =>
        options.Configure<IConfiguration, ILoggerFactory>((target, configuration, logs) =>
        {
            if (configuration[oldKey] is not { } value || configuration[newKey] is not null) return;
            logs.CreateLogger(typeof(RenamedKeys)).LogWarning(
                "Configuration key {OldKey} is renamed {NewKey}; its value is used, set {NewKey} instead", oldKey, newKey, newKey);
            var property = newKey[(newKey.LastIndexOf(':') + 1)..];
            new ConfigurationBuilder().AddInMemoryCollection([new(property, value)]).Build().Bind(target);
        });
}
