using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PatternSync.Core.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without starting a host.</summary>
internal sealed class DesignTimePatternDbContextFactory : IDesignTimeDbContextFactory<PatternDbContext>
{
    public PatternDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PatternDbContext>()
            .UsePatternDatabase("Host=127.0.0.1;Port=55432;Username=postgres;Database=patternsync")
            .Options);
}
