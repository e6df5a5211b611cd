using JumpCloudAdi.ControlPlane.Data;
using JumpCloudAdi.ControlPlane.Sync;
using Microsoft.EntityFrameworkCore;

namespace JumpCloudAdi.ControlPlane.Commands.Domains;

/// <summary>Adds an ADI domain (no agents, nothing bound: its change log starts empty).</summary>
public sealed class CreateDomainCommand(ControlPlaneDb db, ChangeLog log, TimeProvider time)
{
    public Task<CommandResult<AdDomain>> ExecuteAsync(string? domain, UseCase? useCase, CancellationToken ct) =>
        log.RunAsync<CommandResult<AdDomain>>(async () =>
        {
            if (DomainErrors.Parse(domain, out var text) is { } invalid)
            {
                return invalid;
            }

            if (await db.Domains.AnyAsync(d => d.Domain == text, ct))
            {
                return DomainErrors.Duplicate(text);
            }

            var now = time.GetUtcNow();
            var created = new AdDomain { Id = ObjectIds.New(time), Domain = text, UseCase = useCase ?? UseCase.Unset, CreatedAt = now, UpdatedAt = now };
            db.Domains.Add(created);
            try
            {
                await log.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another request added the same domain between the check and the insert (the unique index refused it).
                return DomainErrors.Duplicate(text);
            }

            return created;
        }, ct);
}
