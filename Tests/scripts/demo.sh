#!/usr/bin/env bash
# Demo on embedded defaults: a private OpenLDAP, the control plane (SQLite), and an agent enrolled with a fresh
# connect key; then a domain, a few users and a group created through the API, synced into OpenLDAP.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

Tests/scripts/install-prerequisites.sh slapd ldap-utils openssl curl
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset LDAPTLS_CACERT LDAPTLS_REQCERT

demo=${DEMO_DIR:-$(mktemp -d /tmp/jcadi-demo.XXXXXX)}
mkdir -p "$demo"
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "==> stopping demo processes"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }
wait_for() { # wait_for SECONDS WHAT COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4; }

echo "==> building (Release)"
dotnet build JumpCloudAdi.sln -c Release -nologo -v q >/dev/null

echo "==> starting a private OpenLDAP (dc=example,dc=com) in $demo/slapd"
ldap_dir=$demo/slapd; mkdir -p "$ldap_dir/db"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$ldap_dir/key.pem" -out "$ldap_dir/cert.pem" 2>/dev/null
ldap_port=$(free_port); ldaps_port=$(free_port)
ldap_pw=$(openssl rand -hex 12)
cat > "$ldap_dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
pidfile $ldap_dir/slapd.pid
TLSCertificateFile $ldap_dir/cert.pem
TLSCertificateKeyFile $ldap_dir/key.pem
database mdb
maxsize 1073741824
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw $(slappasswd -s "$ldap_pw")
directory $ldap_dir/db
dbnosync
index objectClass,uid,cn,member,entryUUID eq
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
overlay refint
refint_attributes member
CONF
setsid slapd -f "$ldap_dir/slapd.conf" -h "ldap://127.0.0.1:$ldap_port/ ldaps://127.0.0.1:$ldaps_port/" -d 0 >"$ldap_dir/slapd.log" 2>&1 &
pids+=($!)
wait_for 15 "slapd" ldapsearch -x -H "ldap://127.0.0.1:$ldap_port" -b "" -s base namingContexts
ldapadd -x -H "ldap://127.0.0.1:$ldap_port" -D cn=admin,dc=example,dc=com -w "$ldap_pw" >/dev/null <<LDIF
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=People,dc=example,dc=com
objectClass: organizationalUnit
ou: People

dn: ou=Groups,dc=example,dc=com
objectClass: organizationalUnit
ou: Groups

dn: cn=JumpCloud Groups,ou=Groups,dc=example,dc=com
objectClass: groupOfNames
cn: JumpCloud Groups
member: cn=admin,dc=example,dc=com
LDIF

echo "==> starting the control plane"
cp_port=${CONTROL_PLANE_PORT:-$(free_port)}
api_key=$(openssl rand -hex 20)
portal_pw=$(openssl rand -base64 15 | tr -d '/+=')
base="https://127.0.0.1:$cp_port"
Admin__ApiKey=$api_key Admin__Username=admin Admin__Password=$portal_pw Data__Directory=$demo/controlplane ASPNETCORE_ENVIRONMENT=Production \
  setsid dotnet run --project ControlPlane -c Release --no-build -- --urls "$base" >"$demo/controlplane.log" 2>&1 &
pids+=($!)
cp_cert=$demo/controlplane/tls/controlplane.crt
wait_for 60 "the control plane" curl -sf --cacert "$cp_cert" -H "x-api-key: $api_key" "$base/api/v2/activedirectories"
api() { curl -sS --cacert "$cp_cert" -H "x-api-key: $api_key" -H 'Content-Type: application/json' "$@"; }

domain_id=$(api -X POST "$base/api/v2/activedirectories" -d '{"domain":"DC=example;DC=com"}' | json_field id)
connect_key=$(api -X POST "$base/api/v2/activedirectories/$domain_id/agents" -d '{}' | json_field connectKey)

echo "==> installing and starting an agent with a fresh connect key"
printf '%s' "$ldap_pw" > "$demo/bind.pw"; chmod 600 "$demo/bind.pw"
agent=(dotnet run --project Agent -c Release --no-build --)
"${agent[@]}" install --config "$demo/agent/agent.json" --control-plane "$base" --ca-cert "$cp_cert" \
  --connect-key "$connect_key" --server-type member --ldap-url "ldaps://127.0.0.1:$ldaps_port" --ldap-ca-cert "$ldap_dir/cert.pem" \
  --root-user-dn "OU=People;DC=example;DC=com" --bind-user cn=admin,dc=example,dc=com --bind-password-file "$demo/bind.pw" \
  --sync-group-dn "CN=JumpCloud Groups;OU=Groups;DC=example;DC=com"
setsid "${agent[@]}" run --config "$demo/agent/agent.json" >"$demo/agent.log" 2>&1 &
pids+=($!)

echo "==> creating users and a group through the API"
for u in ada.lovelace:Ada:Lovelace grace.hopper:Grace:Hopper alan.turing:Alan:Turing; do
  IFS=: read -r name first last <<<"$u"
  id=$(api -X POST "$base/api/systemusers" -d "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"firstname\":\"$first\",\"lastname\":\"$last\"}" | json_field _id)
  api -X POST "$base/api/v2/activedirectories/$domain_id/associations" -d "{\"op\":\"add\",\"type\":\"user\",\"id\":\"$id\"}"
  user_ids+=("$id")
done
group_id=$(api -X POST "$base/api/v2/usergroups" -d '{"name":"Engineering"}' | json_field id)
for id in "${user_ids[@]:0:2}"; do
  api -X POST "$base/api/v2/usergroups/$group_id/members" -d "{\"op\":\"add\",\"type\":\"user\",\"id\":\"$id\"}"
done
api -X POST "$base/api/v2/activedirectories/$domain_id/associations" -d "{\"op\":\"add\",\"type\":\"user_group\",\"id\":\"$group_id\"}"

search=(env LDAPTLS_CACERT="$ldap_dir/cert.pem" ldapsearch -x -LLL -H "ldaps://127.0.0.1:$ldaps_port" -D cn=admin,dc=example,dc=com -w "$ldap_pw" -b dc=example,dc=com)
wait_for 60 "the users in OpenLDAP" sh -c "$(printf '%q ' "${search[@]}") '(uid=alan.turing)' | grep -q '^dn:'"
wait_for 60 "the group in OpenLDAP" sh -c "$(printf '%q ' "${search[@]}") '(cn=Engineering)' | grep -q '^dn:'"

cat <<INFO

The demo is running (files in $demo). Ctrl-C stops it.

  Portal         $base/   (sign in as admin / $portal_pw)
  API base URL   $base/api   (v2: $base/api/v2)
  API key        $api_key
  Swagger UI     $base/swagger
  TLS trust      --cacert $cp_cert
  Agent status   dotnet run --project Agent -c Release --no-build -- status --config $demo/agent/agent.json

Synced entries:
  LDAPTLS_CACERT=$ldap_dir/cert.pem ldapsearch -x -LLL -H ldaps://127.0.0.1:$ldaps_port -D cn=admin,dc=example,dc=com -w $ldap_pw -b dc=example,dc=com '(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))' uid cn member

INFO
"${search[@]}" '(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))' uid cn member
wait
