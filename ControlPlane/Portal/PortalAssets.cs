using System.Text.Json;
using Microsoft.Extensions.FileProviders;

namespace JumpCloudAdi.ControlPlane.Portal;

/// <summary>
/// Finds the portal's static files (<c>wwwroot</c>): beside the content root when published or run from the project
/// folder, otherwise where the build's static web assets manifest says the project's <c>wwwroot</c> is (a build run
/// from elsewhere, such as the repository root or a test host).
/// </summary>
internal static class PortalAssets
{
    private const string Probe = "portal/portal.css";

    public static IFileProvider Locate(IWebHostEnvironment environment)
    {
        var candidates = new List<string?>
        {
            environment.WebRootPath,
            Path.Combine(environment.ContentRootPath, "wwwroot"),
            Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        };
        candidates.AddRange(ManifestRoots(Path.GetDirectoryName(typeof(PortalAssets).Assembly.Location)));
        candidates.AddRange(ManifestRoots(AppContext.BaseDirectory));
        foreach (var root in candidates)
        {
            if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, Probe)))
            {
                return new PhysicalFileProvider(Path.GetFullPath(root));
            }
        }

        throw new InvalidOperationException(
            $"The portal's static files ({Probe}) were not found in {string.Join(", ", candidates.Where(c => c is not null))}; publish the control plane with its wwwroot folder.");
    }

    private static IEnumerable<string> ManifestRoots(string? directory)
    {
        var manifest = directory is null ? null : Path.Combine(directory, typeof(PortalAssets).Assembly.GetName().Name + ".staticwebassets.runtime.json");
        if (manifest is null || !File.Exists(manifest))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        return json.RootElement.TryGetProperty("ContentRoots", out var roots) && roots.ValueKind == JsonValueKind.Array
            ? roots.EnumerateArray().Select(r => r.GetString()).OfType<string>().ToList()
            : [];
    }
}
