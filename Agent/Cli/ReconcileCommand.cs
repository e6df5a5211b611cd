using System.CommandLine;
using Grpc.Core;
using JumpCloudAdi.Agent.Configuration;
using JumpCloudAdi.Agent.Session;
using JumpCloudAdi.Protocol;
using JumpCloudAdi.Shared.Changes;

namespace JumpCloudAdi.Agent.Cli;

/// <summary><c>reconcile</c>: asks the control plane to queue the domain's whole desired state for the primary to repair drift.</summary>
internal static class ReconcileCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var passwords = new Option<bool>("--passwords")
        {
            Description = "Also send every user's password again from the control plane's vault and set it even on accounts that have one (a rebuilt DC, or accounts restored from an old backup). Without it only accounts without a password get one.",
        };
        var command = new Command("reconcile", "Ask the control plane for a reconcile of this agent's domain: the primary agent compares every managed object with the desired state, repairs drift, and reports each object's result (see 'status' and the users' syncStatus).")
        {
            config,
            passwords,
        };
        command.SetAction(async (result, ct) =>
        {
            var settings = SettingsStore.Load(result.GetValue(config)!);
            if (string.IsNullOrEmpty(settings.AgentId) || string.IsNullOrEmpty(settings.AgentCredential))
            {
                throw new SettingsException("this agent has not enrolled yet; start it with 'run' first");
            }

            using var channel = ControlPlaneChannel.Create(settings);
            var client = new AgentGateway.AgentGatewayClient(channel);
            var headers = new Metadata
            {
                { AgentProtocol.AgentIdHeader, settings.AgentId },
                { AgentProtocol.AgentCredentialHeader, settings.AgentCredential },
            };
            try
            {
                var response = await client.RequestReconcileAsync(new ReconcileRequest { Passwords = result.GetValue(passwords) }, headers, TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(60), ct);
                Console.WriteLine(result.GetValue(passwords)
                    ? $"Reconcile with passwords queued: {response.Objects} objects as changes {response.FromSeq}..{response.ToSeq}, every password re-sent; the primary agent reports each result."
                    : $"Reconcile queued: {response.Objects} objects as changes {response.FromSeq}..{response.ToSeq}; the primary agent reports each result.");
                return 0;
            }
            catch (RpcException ex)
            {
                await Console.Error.WriteLineAsync($"error: the control plane refused the reconcile: {ex.Status.Detail}");
                return ex.StatusCode == StatusCode.PermissionDenied ? 3 : 1;
            }
        });
        return command;
    }
}
