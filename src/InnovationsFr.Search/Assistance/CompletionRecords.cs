using System.Text.Json.Serialization;

namespace InnovationsFr.Search;

/// <summary>What kind of text a completion is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompletionKind>))]
public enum CompletionKind
{
    /// <summary>The query with its last word completed.</summary>
    [JsonStringEnumMemberName("word")]
    Word,
    /// <summary>A tag label.</summary>
    [JsonStringEnumMemberName("tag")]
    Tag,
    /// <summary>An article's title.</summary>
    [JsonStringEnumMemberName("title")]
    Title,
}

/// <summary>
/// One completion. <see cref="Count"/> is how many articles use the word or carry the tag;
/// <see cref="Slug"/> is the tag's or article's slug, <see cref="Id"/> the article's id.
/// </summary>
public sealed record Completion(string Text, CompletionKind Kind, int? Count, string? Slug, string? Id);

/// <summary>Completions of what a reader is typing.</summary>
public sealed record CompletionList(string Query, IReadOnlyList<Completion> Completions);
