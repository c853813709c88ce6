using System.Net;

namespace InnovationsFr.Api.Tests;

public sealed class PagesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/articles/un-article")]
    [InlineData("/tags/gigafactory")]
    public async Task Pages_AreFrenchHtml_WithAContentSecurityPolicy(string path)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\">", html);
        Assert.Contains("<input type=\"search\" id=\"q\" name=\"q\"", html);
        Assert.Contains("<label for=\"q\">", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task Widget_IsServedAsJavaScript()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/widget/tag-cloud.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachShadow", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ArticleBySlug_FindsItOr404()
    {
        var client = await factory.ReadyClientAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/articles/by-slug/nope-nope", UriKind.Relative))).StatusCode);
        var search = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=gigafactory&size=1", UriKind.Relative))).RootElement.GetProperty("hits")[0];
        var article = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/articles/by-slug/" + search.GetProperty("slug").GetString(), UriKind.Relative))).RootElement;
        Assert.Equal(search.GetProperty("id").GetString(), article.GetProperty("id").GetString());
    }
}
