using JumpCloudAdi.Protocol;

namespace JumpCloudAdi.Agent.Directory;

/// <summary>What applying one change did: applied, skipped (why) or failed (the directory's code and text).</summary>
public readonly record struct ApplyResult(Outcome Outcome, int Code = 0, string Message = "", string Anchor = "")
{
    public static ApplyResult Applied(string anchor = "", string note = "") => new(Outcome.Applied, 0, note, anchor);

    public static ApplyResult Skipped(string why) => new(Outcome.Skipped, 0, why);

    public static ApplyResult Failed(int code, string message) => new(Outcome.Failed, code, message);
}
