namespace JumpCloudAdi.ControlPlane.Data;

/// <summary>The database behind the control plane (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>One SQLite file (the default; <c>Data Source=data/controlplane.db</c>).</summary>
    Sqlite,

    /// <summary>PostgreSQL, which several control-plane replicas may share.</summary>
    Postgres,
}
