# InnovationsFr Search: build, index the shipped corpus, run the API as a non-root user on port 8080.
#   docker build -t innovationsfr-search .
#   docker run --rm -p 8080:8080 innovationsfr-search
# (No Docker engine runs on the development machines: this file is reviewed, not built, in CI.)

# 1. Build: restore from the project files alone (a cached layer), then publish API and indexer.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/InnovationsFr.Search/InnovationsFr.Search.csproj src/InnovationsFr.Search/
COPY src/InnovationsFr.Indexer/InnovationsFr.Indexer.csproj src/InnovationsFr.Indexer/
COPY src/InnovationsFr.Api/InnovationsFr.Api.csproj src/InnovationsFr.Api/
RUN dotnet restore src/InnovationsFr.Api/InnovationsFr.Api.csproj \
 && dotnet restore src/InnovationsFr.Indexer/InnovationsFr.Indexer.csproj
COPY src/ src/
RUN dotnet publish src/InnovationsFr.Api/InnovationsFr.Api.csproj -c Release -o /out/api --no-restore \
 && dotnet publish src/InnovationsFr.Indexer/InnovationsFr.Indexer.csproj -c Release -o /out/indexer --no-restore

# 2. Index: build the shipped corpus into the image, strictly (a bad record fails the image build).
FROM build AS index
COPY corpus/ /corpus/
COPY config/ /config/
RUN dotnet /out/indexer/InnovationsFr.Indexer.dll build --corpus /corpus/articles.jsonl --index /index-data --aliases /config/tag-aliases.txt --strict

# 3. Run: the ASP.NET runtime only, as the image's non-root "app" user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /out/api ./
COPY --from=index --chown=app:app /index-data /app/index-data
COPY --chown=app:app corpus/ /app/corpus/
COPY --chown=app:app config/ /app/config/
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Search__IndexPath=/app/index-data \
    Search__CorpusPath=/app/corpus/articles.jsonl \
    Search__TagAliasesPath=/app/config/tag-aliases.txt \
    Search__SynonymsPath=/app/config/synonyms.txt \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_TC_CallCountingDelayMs=0 \
    DOTNET_TC_CallCountThreshold=300
# The index, the admin journal and the zero-result log live here: admin writes survive a new
# container only on a volume (a fresh named volume starts as a copy of the index built above; an
# empty bind mount is filled by building the shipped corpus at start).
VOLUME /app/index-data
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "InnovationsFr.Api.dll"]
