#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, builds warning-free, runs unit and integration
# tests (real Kestrel, real agents, a private slapd and a throwaway Samba AD DC started by the fixtures), proves the
# agent still publishes as NativeAOT without warnings, and checks the compose file.
set -euo pipefail
cd "$(dirname "$0")/../.."

Tests/scripts/install-prerequisites.sh \
  slapd ldap-utils samba samba-ad-dc samba-ad-provision winbind krb5-user docker-compose openssl postgresql chromium prometheus softhsm2 \
  clang zlib1g-dev

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The agent must validate directory certificates from its own settings; never inherit a trust override.
unset LDAPTLS_CACERT LDAPTLS_REQCERT

echo "==> build (Release, warnings are errors)"
dotnet build JumpCloudAdi.sln -c Release -nologo -v q

echo "==> tests: unit, integration (slapd, Samba AD DC, PostgreSQL, Kestrel, gRPC, agent processes), browser"
dotnet test JumpCloudAdi.sln -c Release --no-build -nologo --logger "console;verbosity=normal" --results-directory artifacts/test-results

echo "==> the JumpCloud API tests once more against PostgreSQL (a private server started by the fixtures)"
JCADI_TEST_DATABASE=Postgres dotnet test Tests/IntegrationTests/IntegrationTests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~JumpCloudAdi.IntegrationTests.Api" --logger "console;verbosity=minimal"

echo "==> agent NativeAOT publish must stay warning-free"
aot_log=$(mktemp)
dotnet publish Agent/Agent.csproj -c Release -r linux-x64 -p:PublishAot=true -o artifacts/agent-aot -nologo >"$aot_log" 2>&1 || { cat "$aot_log"; exit 1; }
if grep -E ": warning [A-Z]+[0-9]+" "$aot_log"; then
  echo "NativeAOT publish produced warnings (above)"; exit 1
fi
ls -l artifacts/agent-aot/jumpcloud-adi-agent | awk '{printf "    agent binary: %.1f MB\n", $5/1000000}'

echo "==> agent for Windows (win-x64, self-contained single file, trimmed) must publish warning-free"
win_log=$(mktemp)
dotnet publish Agent/Agent.csproj -c Release -r win-x64 --self-contained -p:PublishSingleFile=true -p:PublishTrimmed=true \
  -o artifacts/agent-win-x64 -nologo >"$win_log" 2>&1 || { cat "$win_log"; exit 1; }
if grep -E ": warning [A-Z]+[0-9]+" "$win_log"; then
  echo "Windows publish produced warnings (above)"; exit 1
fi
ls -l artifacts/agent-win-x64/jumpcloud-adi-agent.exe | awk '{printf "    Windows agent: %.1f MB\n", $5/1000000}'

echo "==> docker-compose.yml"
# Valid as shipped (no API key set: the control plane generates one) and with a key from the environment.
env -u JCADI_API_KEY docker-compose -f docker-compose.yml config -q
JCADI_API_KEY=compose-config-check-0123456789abcdef docker-compose -f docker-compose.yml config -q

echo "==> all tests passed"
