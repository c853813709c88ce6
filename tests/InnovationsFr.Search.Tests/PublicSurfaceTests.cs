using System.Reflection;
using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests;

public class PublicSurfaceTests
{
    [Fact]
    public void NoPublicMember_ExposesALuceneType()
    {
        var offenders = new List<string>();
        foreach (var type in typeof(SearchIndex).Assembly.GetExportedTypes())
        {
            if (IsLucene(type.BaseType))
            {
                offenders.Add($"{type.Name} derives from {type.BaseType}");
            }

            offenders.AddRange(type.GetInterfaces().Where(IsLucene).Select(i => $"{type.Name} implements {i}"));
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var exposed = member switch
                {
                    MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType),
                    PropertyInfo p => [p.PropertyType],
                    FieldInfo f => [f.FieldType],
                    ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
                    EventInfo e => [e.EventHandlerType!],
                    _ => [],
                };
                offenders.AddRange(exposed.Where(IsLucene).Select(t => $"{type.Name}.{member.Name} exposes {t}"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void TheCheck_RecognisesLuceneTypes()
    {
        Assert.True(IsLucene(typeof(Lucene.Net.Search.Query)));
        Assert.True(IsLucene(typeof(List<Lucene.Net.Documents.Document>)));
        Assert.False(IsLucene(typeof(List<Article>)));
    }

    private static bool IsLucene(Type? type)
    {
        if (type == null)
        {
            return false;
        }

        if (type.HasElementType)
        {
            return IsLucene(type.GetElementType());
        }

        return (type.Namespace?.StartsWith("Lucene", StringComparison.Ordinal) ?? false)
            || (type.IsGenericType && type.GetGenericArguments().Any(IsLucene));
    }
}
