using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>Changes a domain's DN or use case (a patch: a null field is left as it is).</summary>
public sealed class UpdateDomainCommand(ControlPlaneDb db, ChangeLog log, TimeProvider time)
{
    public Task<CommandResult<AdDomain>> ExecuteAsync(string id, string? domain, UseCase? useCase, CancellationToken ct) =>
        log.RunAsync<CommandResult<AdDomain>>(async () =>
        {
            var existing = await db.Domains.FindAsync([id], ct);
            if (existing is null)
            {
                return DomainErrors.NotFound;
            }

            if (useCase is { } newUseCase)
            {
                existing.UseCase = newUseCase;
            }

            if (domain is not null)
            {
                if (DomainErrors.Parse(domain, out var text) is { } invalid)
                {
                    return invalid;
                }

                if (text != existing.Domain && await db.Domains.AnyAsync(d => d.Domain == text && d.Id != id, ct))
                {
                    return DomainErrors.Duplicate(text);
                }

                existing.Domain = text;
            }

            existing.UpdatedAt = time.GetUtcNow();
            await log.CommitAsync(ct);
            return existing;
        }, ct);
}
