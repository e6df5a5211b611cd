using System.Runtime.Versioning;

// The benchmarks start Linux servers (slapd) and read /proc.
[assembly: SupportedOSPlatform("linux")]
