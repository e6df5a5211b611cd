using System.Runtime.Versioning;

// The fixtures start Linux servers (slapd, samba) as processes.
[assembly: SupportedOSPlatform("linux")]
