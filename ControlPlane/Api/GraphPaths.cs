using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;

namespace JumpCloudAdi.ControlPlane.Api;

/// <summary>JumpCloud's graph <c>paths</c> for reach paths: <c>[end]</c> when bound directly, <c>[group, end]</c> through a group.</summary>
public static class GraphPaths
{
    public const string ActiveDirectoryType = "active_directory";

    public static IReadOnlyList<IReadOnlyList<GraphConnectionDto>> Of(IEnumerable<ReachPath> paths, string endType, string endId)
    {
        var end = new GraphConnectionDto(new GraphObjectDto(endId, endType));
        var list = paths.ToList();
        var result = new List<IReadOnlyList<GraphConnectionDto>>();
        if (list.Exists(p => p.Direct))
        {
            result.Add([end]);
        }

        result.AddRange(list.Where(p => !p.Direct).OrderBy(p => p.GroupId, StringComparer.Ordinal).Select(p => (IReadOnlyList<GraphConnectionDto>)
            [new GraphConnectionDto(new GraphObjectDto(p.GroupId!, AssociationTypes.UserGroup)), end]));
        return result;
    }
}
