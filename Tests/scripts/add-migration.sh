#!/usr/bin/env bash
# Adds an EF Core migration NAME for both database providers after a change to the model in ControlPlane/Data:
#   SQLite     -> ControlPlane/Data/Migrations           (context ControlPlaneDb)
#   PostgreSQL -> ControlPlane/Data/Postgres/Migrations  (context PostgresControlPlaneDb)
# Neither needs a running database. Builds into its own artifacts folder (override with ARTIFACTS=...), so it does not
# collide with other builds in the same tree. If either provider fails, both are left as they were.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -ne 1 ] || [[ ! "$1" =~ ^[A-Z][A-Za-z0-9]*$ ]]; then
  echo "usage: $0 NAME   (PascalCase, e.g. AddUserPhoneNumber)" >&2
  exit 2
fi
name=$1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ -n "${ARTIFACTS:-}" ]; then
  export ArtifactsPath=$ARTIFACTS
else
  export ArtifactsPath=$(mktemp -d /tmp/jcadi-ef-XXXXXX)
  trap 'rm -rf "$ArtifactsPath"' EXIT
fi
project=ControlPlane/ControlPlane.csproj
sets=("ControlPlaneDb:ControlPlane/Data/Migrations" "PostgresControlPlaneDb:ControlPlane/Data/Postgres/Migrations")

dotnet tool restore >/dev/null
echo "==> building $project (artifacts in $ArtifactsPath)"
dotnet build "$project" -nologo -v q >/dev/null

# Keep a copy of both folders, so a failure on one provider cannot leave the two sets out of step.
backup=$(mktemp -d /tmp/jcadi-migrations-XXXXXX)
for pair in "${sets[@]}"; do
  mkdir -p "$backup/${pair#*:}" && cp -a "${pair#*:}/." "$backup/${pair#*:}/"
done
restore() {
  echo "!! failed: restoring both migrations folders" >&2
  for pair in "${sets[@]}"; do
    rm -rf "${pair#*:}" && mkdir -p "${pair#*:}" && cp -a "$backup/${pair#*:}/." "${pair#*:}/"
  done
  rm -rf "$backup"
}
trap restore ERR

for pair in "${sets[@]}"; do
  context=${pair%%:*}
  dir=${pair#*:}
  echo "==> $context: migration $name in $dir"
  dotnet ef migrations add "$name" --project "$project" --context "$context" --output-dir "${dir#ControlPlane/}" --no-build
done

echo "==> rebuilding and checking that neither provider has model changes left without a migration"
dotnet build "$project" -nologo -v q >/dev/null
for pair in "${sets[@]}"; do
  dotnet ef migrations has-pending-model-changes --project "$project" --context "${pair%%:*}" --no-build
done
trap - ERR
rm -rf "$backup"
echo "==> added $name for SQLite and PostgreSQL; review both before committing"
