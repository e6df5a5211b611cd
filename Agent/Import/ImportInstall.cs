using JumpCloudAdi.Agent.Cli;
using JumpCloudAdi.Agent.Configuration;

namespace JumpCloudAdi.Agent.Import;

/// <summary><c>install --agent-type import</c>: the import agent's settings, checked.</summary>
internal static class ImportInstall
{
    public const int MinPollSeconds = 1;
    public const int MaxPollSeconds = 86_400;

    public static void Apply(AgentSettings settings, string? importGroupDn, string userFieldMapping, bool syncAdditional, string takeover,
        string dissociation, int pollSeconds, string? syncGroupDn)
    {
        if (syncGroupDn is not null)
        {
            throw new SettingsException("--sync-group-dn is for sync agents; an import agent reads the ADI security group (--import-group-dn)");
        }

        if (pollSeconds is < MinPollSeconds or > MaxPollSeconds)
        {
            throw new SettingsException($"--poll-seconds must be between {MinPollSeconds} and {MaxPollSeconds}, not {pollSeconds}");
        }

        settings.ImportGroupDn = InstallCommand.ValidateDn(importGroupDn ?? $"CN=JumpCloud;{settings.RootUserDn}", "--import-group-dn");
        settings.UserFieldMapping = userFieldMapping;
        settings.SyncAdditionalAttributes = syncAdditional;
        settings.UserTakeoverAction = takeover;
        settings.UserDissociationAction = dissociation;
        settings.PollSeconds = pollSeconds;
        settings.SyncGroupDn = "";
    }
}
