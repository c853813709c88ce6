namespace InnovationsFr.Search;

/// <summary>An article to publish or replace (<see cref="Article"/> set), or to withdraw (null).</summary>
public sealed record IndexChange(string Id, Article? Article)
{
    public bool IsDelete => Article == null;

    public static IndexChange Upsert(Article article) => new(article.Id, article);

    public static IndexChange Delete(string id) => new(id, null);
}
