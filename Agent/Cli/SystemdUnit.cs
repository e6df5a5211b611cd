using System.Text;

namespace JumpCloudAdi.Agent.Cli;

/// <summary>
/// The systemd service unit <c>install --service</c> writes: <c>Type=notify</c> with a watchdog (the agent reports
/// readiness and liveness itself), a dedicated unprivileged user, and a sandbox in which the agent can write only its
/// settings folder. Permanent refusals (exit codes 2, 3 and 4: bad settings, refused by the control plane, refused by
/// the start-up checks) are not restarted in a loop; everything else is.
/// </summary>
internal sealed record SystemdUnit(string ServiceUser, IReadOnlyList<string> ExecStart, string SettingsFolder, int WatchdogSeconds = 60)
{
    public const string Name = "jumpcloud-adi-agent.service";

    public string Render()
    {
        var exec = string.Join(' ', ExecStart.Select(Quote));
        return $"""
            # Written by `jumpcloud-adi-agent install --service`; `uninstall` removes it.
            [Unit]
            Description=JumpCloud ADI sync agent
            Documentation=https://github.com/jumpcloud-adi/jumpcloud-adi#running-an-agent-by-hand
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=notify
            NotifyAccess=main
            ExecStart={exec}
            User={ServiceUser}
            Group={ServiceUser}
            WatchdogSec={WatchdogSeconds}
            TimeoutStartSec=300
            Restart=on-failure
            RestartSec=10
            RestartPreventExitStatus=2 3 4
            UMask=0077
            NoNewPrivileges=yes
            ProtectSystem=strict
            ReadWritePaths={SettingsFolder}
            ProtectHome=yes
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            ProtectClock=yes
            ProtectHostname=yes
            ProtectProc=invisible
            RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
            RestrictNamespaces=yes
            RestrictRealtime=yes
            RestrictSUIDSGID=yes
            LockPersonality=yes
            SystemCallArchitectures=native
            CapabilityBoundingSet=
            AmbientCapabilities=

            [Install]
            WantedBy=multi-user.target

            """;
    }

    /// <summary>One word of a unit file's command line: quoted, with systemd's specifiers and variables escaped.</summary>
    internal static string Quote(string word)
    {
        var escaped = new StringBuilder(word.Length + 2);
        foreach (var c in word)
        {
            escaped.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '%' => "%%",
                '$' => "$$",
                _ => c.ToString(),
            });
        }

        var text = escaped.ToString();
        return text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or ':' or '=')
            ? text
            : $"\"{text}\"";
    }
}
