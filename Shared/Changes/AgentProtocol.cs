namespace JumpCloudAdi.Shared.Changes;

/// <summary>Names both sides agree on: host types and headers (agent types: <see cref="Vocabulary.AgentType"/>).</summary>
public static class AgentProtocol
{
    public const string AgentIdHeader = "x-agent-id";
    public const string AgentCredentialHeader = "x-agent-credential";
    public const string DomainController = "DOMAIN_CONTROLLER";
    public const string MemberServer = "MEMBER_SERVER";
}
