using JumpCloudAdi.ControlPlane.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Import;

/// <summary>The domain page's import card: the latest import runs, when the domain ever imported.</summary>
public sealed class ImportSummaryViewComponent(ControlPlaneDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(string domainId)
    {
        var runs = (await db.ImportRuns.AsNoTracking().Where(r => r.DomainId == domainId).OrderByDescending(r => r.Id).Take(5).ToListAsync())
            .Select(ImportApi.ToDto).ToList();
        return View("/Portal/Pages/ActiveDirectory/_ImportSummary.cshtml", new ImportSummaryView(domainId, runs));
    }
}

public sealed record ImportSummaryView(string DomainId, IReadOnlyList<ImportRunDto> Runs);
