using PatternSync.Core.Embeddings;
using PatternSync.Core.VectorIndex.Qdrant;

namespace PatternSync.UnitTests;

public sealed class QdrantCollectionNamesTests
{
    [Fact]
    public void A_name_made_by_For_gives_its_model_and_one_with_a_trailing_line_break_does_not()
    {
        var name = QdrantCollectionNames.For("patterns", new EmbeddingModel("all-MiniLM-L6-v2", 384), DateTimeOffset.UnixEpoch);

        Assert.Equal("all-minilm-l6-v2", QdrantCollectionNames.ModelOf(name, "patterns"));
        Assert.Null(QdrantCollectionNames.ModelOf(name + "\n", "patterns"));
    }
}
