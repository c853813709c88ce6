using InnovationsFr.Api;
using InnovationsFr.Api.Index;
using InnovationsFr.Search;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// One SearchIndex for the process: it owns the Lucene directory and searcher manager.
builder.Services.Configure<SearchSettings>(builder.Configuration.GetSection(SearchSettings.Section));
builder.Services.AddSingleton(sp => new SearchIndex(new IndexFolder(SearchSettings.Resolve(
    sp.GetRequiredService<IOptions<SearchSettings>>().Value.IndexPath,
    sp.GetRequiredService<IHostEnvironment>().ContentRootPath))));

// Build the index if it is missing, then open it, without holding up the server.
builder.Services.AddSingleton<IndexStartup>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<IndexStartup>());

// French stays readable in JSON (é, not \u00e9); snippets are already HTML-escaped by the engine.
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

// Widgets on other sites read the GET endpoints: CORS for the origins configured (none by default).
builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
    .WithOrigins(builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [])
    .WithMethods("GET")
    .WithHeaders("If-None-Match")
    .WithExposedHeaders("ETag")));

// Every error is problem+json, and none carries a stack trace.
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddOpenApi(options => options.AddDocumentTransformer(Problems.DescribeApi));

var app = builder.Build();

// Binding failures (size=abc) are the client's fault: their own 4xx, not a 500.
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = Problems.StatusCodeOf });
app.UseStatusCodePages();
app.UseCors();

app.MapOpenApi();
app.MapScalarApiReference("/docs", options => options.WithTitle("InnovationsFr Search API"));
app.MapSearchApi();
app.MapArticlesApi();
app.MapTagsApi();
app.MapRelatedApi();
app.MapHealthApi();

app.Run();
