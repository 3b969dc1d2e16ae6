#!/usr/bin/env bash
# Starts the loopback servers the integration tests use and writes run/servers.env describing them:
#   Knot DNS   127.0.0.1:53053  every zones/<zone>.zone file (file name = zone name), knotc control socket
#   Postfix    127.0.0.1:2525 plain (no STARTTLS, no AUTH)      2587 STARTTLS, AUTH after TLS
#              127.0.0.1:2465 implicit TLS + AUTH               2588 STARTTLS with an untrusted self-signed cert
#              127.0.0.1:2526 open relay (outside mail is discarded)
#   Dovecot    SASL for Postfix, LMTP delivery into run/mail/<user>/Maildir
#   smtp-sink  127.0.0.1:2527 (throughput)     silent TCP listener 127.0.0.1:2529 (never sends a banner)
# Idempotent: stops what a previous run started, then starts afresh. Needs root (apt, postfix, dovecot).
# Only loopback addresses are used.
#   SMTPTOOLS_PORT_OFFSET=N  adds N to every port above (default 0), so several work trees can each run their own
#                            servers at once (e.g. 1000: DNS 54053, SMTP 3525 …); tests read the ports from servers.env.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$HERE/run"
ZONES="$HERE/zones"
OFFSET="${SMTPTOOLS_PORT_OFFSET:-0}"
DNS_PORT="${SMTPTOOLS_DNS_PORT:-$((53053 + OFFSET))}"
PORT_PLAIN=$((2525 + OFFSET)); PORT_SUBMISSION=$((2587 + OFFSET)); PORT_IMPLICIT=$((2465 + OFFSET))
PORT_UNTRUSTED=$((2588 + OFFSET)); PORT_RELAY=$((2526 + OFFSET)); PORT_SINK=$((2527 + OFFSET))
PORT_SILENT=$((2529 + OFFSET)); PORT_CLOSED=$((2599 + OFFSET))
# --dns-only <servers.env>: start only Knot (on $SMTPTOOLS_DNS_PORT) for this checkout's zones and copy the SMTP
# settings from another checkout's servers.env; lets several work trees share one set of mail servers.
DNS_ONLY=""
if [ "${1:-}" = "--dns-only" ]; then DNS_ONLY="${2:?--dns-only needs the servers.env of the running mail servers}"; fi

log() { printf '[start-servers] %s\n' "$*"; }
fail() { printf '[start-servers] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts postfix/dovecot)"

# --- packages -------------------------------------------------------------------------------------
PACKAGES=(knot knot-dnsutils dnsutils postfix dovecot-core dovecot-lmtpd openssl ca-certificates
          python3 python3-dkim python3-nacl python3-dnspython opendkim-tools publicsuffix)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1
  fi
  # Postfix asks debconf questions on install; answer them up front.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string mail.smtptools.test" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# --- stop a previous run --------------------------------------------------------------------------
"$HERE/stop-servers.sh" >/dev/null 2>&1 || true
rm -rf "$RUN"
mkdir -p "$RUN"

# --- TLS: a throw-away CA, a server certificate it signs (a year: well outside the 30-day expiry warning), and an
# untrusted self-signed one --------------------------------------------------------------------------------------------
TLS="$RUN/tls"; mkdir -p "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SmtpTools Test CA" \
  -keyout "$TLS/ca.key" -out "$TLS/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=mail.smtptools.test" -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:mail.smtptools.test,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$TLS/server.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 365 \
  -extfile "$TLS/server.ext" -out "$TLS/server.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=untrusted.smtptools.test" \
  -addext "subjectAltName=DNS:untrusted.smtptools.test" -keyout "$TLS/untrusted.key" -out "$TLS/untrusted.crt" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$TLS/ca.crt" > "$RUN/ca-bundle.pem"
chmod 644 "$TLS"/*.crt "$RUN/ca-bundle.pem"; chmod 640 "$TLS"/*.key

# --- DNS: Knot ------------------------------------------------------------------------------------
KNOT="$RUN/knot"; mkdir -p "$KNOT/db"
{
  echo "server:"
  echo "    rundir: \"$KNOT\""
  echo "    pidfile: \"$KNOT/knot.pid\""
  echo "    user: root:root"
  echo "    listen: [ 127.0.0.1@$DNS_PORT ]"
  if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then echo "    listen: ::1@$DNS_PORT"; fi
  echo "control:"
  echo "    listen: \"$KNOT/knot.sock\""
  echo "database:"
  echo "    storage: \"$KNOT/db\""
  echo "log:"
  echo "  - target: \"$KNOT/knot.log\""
  echo "    any: info"
  echo "template:"
  echo "  - id: default"
  echo "    storage: \"$ZONES\""
  echo "    file: \"%s.zone\""
  echo "    zonefile-load: whole"
  echo "    zonefile-sync: -1"     # never write run-time (knotc) changes back into the committed files
  echo "    journal-content: none"
  echo "    semantic-checks: off"
  echo "zone:"
  for f in "$ZONES"/*.zone; do
    [ -e "$f" ] || continue
    echo "  - domain: \"$(basename "$f" .zone).\""
  done
} > "$KNOT/knot.conf"
# knotd drops to the knot user when it exists; run as root instead so it can read the checkout.
sed -i '1i # generated by start-servers.sh' "$KNOT/knot.conf"
knotc -c "$KNOT/knot.conf" conf-check >/dev/null || fail "knot configuration rejected: $KNOT/knot.conf"
knotd -c "$KNOT/knot.conf" -d
# Zones whose files fail to load leave the server up; every zone is checked below.

write_dns_env() {
  cat <<ENV
# Written by tests/Integration/start-servers.sh; read by tests/Shared/IntegrationServers.cs.
SMTPTOOLS_DNS=127.0.0.1:$DNS_PORT
SMTPTOOLS_DNS_PORT=$DNS_PORT
SMTPTOOLS_KNOTC_SOCKET=$KNOT/knot.sock
ENV
}
wait_for() { # description, command...
  local what="$1"; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "$what is not answering"
}
wait_for_zones() {
  for f in "$ZONES"/*.zone; do
    [ -e "$f" ] || continue
    zone="$(basename "$f" .zone)"
    wait_for "DNS zone $zone" sh -c "dig +short +time=1 +tries=1 @127.0.0.1 -p $DNS_PORT SOA $zone | grep -q '^[^;]'"
  done
}
if [ -n "$DNS_ONLY" ]; then
  { write_dns_env; grep -v '^SMTPTOOLS_DNS\|^SMTPTOOLS_KNOTC\|^#' "$DNS_ONLY"; } > "$RUN/servers.env"
  wait_for_zones
  log "DNS up on port $DNS_PORT; settings in $RUN/servers.env"
  exit 0
fi

# --- Dovecot: SASL + LMTP -------------------------------------------------------------------------
id vmail >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin vmail
VUID=$(id -u vmail); VGID=$(id -g vmail)
DOVE="$RUN/dovecot"; mkdir -p "$DOVE/base" "$RUN/mail"
USERS=(alice bob carol)
: > "$DOVE/users"
for u in "${USERS[@]}"; do
  mkdir -p "$RUN/mail/$u/Maildir"/{cur,new,tmp}
  echo "$u@smtptools.test:{PLAIN}Passw0rd!$u:$VUID:$VGID::$RUN/mail/$u::" >> "$DOVE/users"
done
chown -R vmail:vmail "$RUN/mail"; chmod 755 "$RUN/mail"
chmod 644 "$DOVE/users"
cat > "$DOVE/dovecot.conf" <<CONF
base_dir = $DOVE/base
state_dir = $DOVE/state
instance_name = smtptools-test-$OFFSET
protocols = lmtp
listen = 127.0.0.1
log_path = $DOVE/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $VUID
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVE/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DOVE/users
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
CONF
mkdir -p "$DOVE/state"
dovecot -c "$DOVE/dovecot.conf" || fail "dovecot did not start (see $DOVE/dovecot.log)"

# --- Postfix ----------------------------------------------------------------------------------------
PF="$RUN/postfix"; mkdir -p "$PF/conf" "$PF/queue" "$PF/data"
printf 'alice@smtptools.test ok\nbob@smtptools.test ok\ncarol@smtptools.test ok\npostmaster@smtptools.test ok\n' > "$PF/conf/vmailbox"
cat > "$PF/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.smtptools.test
mydomain = smtptools.test
myorigin = smtptools.test
mydestination = localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks =
smtpd_banner = \$myhostname ESMTP SmtpTools test server
maillog_file = $RUN/postfix.log
maillog_file_prefixes = $RUN
message_size_limit = 10240000
biff = no
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = smtptools.test
virtual_mailbox_maps = texthash:$PF/conf/vmailbox
virtual_transport = lmtp:unix:$DOVE/base/lmtp
# Nothing ever leaves this machine: mail for any other domain is thrown away.
default_transport = discard:
relay_transport = discard:
smtpd_tls_cert_file = $TLS/server.crt
smtpd_tls_key_file = $TLS/server.key
smtpd_tls_security_level = may
smtpd_tls_loglevel = 0
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DOVE/base/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = reject_unlisted_recipient
smtpd_helo_required = no
smtpd_timeout = 60s
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
anvil_rate_time_unit = 60s
default_process_limit = 50
CONF
cat > "$PF/conf/master.cf" <<CONF
127.0.0.1:$PORT_PLAIN inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no
127.0.0.1:$PORT_SUBMISSION inet n - n - - smtpd -o smtpd_tls_security_level=may -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PORT_IMPLICIT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PORT_UNTRUSTED inet n - n - - smtpd -o smtpd_tls_cert_file=$TLS/untrusted.crt -o smtpd_tls_key_file=$TLS/untrusted.key -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PORT_RELAY inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no -o mynetworks=127.0.0.0/8 -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination -o smtpd_recipient_restrictions=permit
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
chown -R postfix:postfix "$PF/data"
postfix -c "$PF/conf" check >/dev/null 2>&1 || true
postfix -c "$PF/conf" start >/dev/null 2>&1 || fail "postfix did not start (see $RUN/postfix.log)"

# --- smtp-sink and a silent listener --------------------------------------------------------------
SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
nohup "$SINK" -u postfix -c 127.0.0.1:$PORT_SINK 256 >/dev/null 2>&1 &
echo $! > "$RUN/smtp-sink.pid"
nohup python3 - "$PORT_SILENT" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accept and never say a word
    held = held[-256:]
PY
echo $! > "$RUN/silent.pid"

# --- servers.env ----------------------------------------------------------------------------------
{ write_dns_env; cat <<ENV
SMTPTOOLS_SMTP_HOST=127.0.0.1
SMTPTOOLS_SMTP_HOSTNAME=mail.smtptools.test
SMTPTOOLS_SMTP_PLAIN_PORT=$PORT_PLAIN
SMTPTOOLS_SMTP_SUBMISSION_PORT=$PORT_SUBMISSION
SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT=$PORT_IMPLICIT
SMTPTOOLS_SMTP_UNTRUSTED_PORT=$PORT_UNTRUSTED
SMTPTOOLS_SMTP_OPEN_RELAY_PORT=$PORT_RELAY
SMTPTOOLS_SMTP_SINK_PORT=$PORT_SINK
SMTPTOOLS_SMTP_SILENT_PORT=$PORT_SILENT
SMTPTOOLS_SMTP_CLOSED_PORT=$PORT_CLOSED
SMTPTOOLS_SMTP_DOMAIN=smtptools.test
SMTPTOOLS_USER_ALICE=alice@smtptools.test
SMTPTOOLS_PASSWORD_ALICE=Passw0rd!alice
SMTPTOOLS_USER_BOB=bob@smtptools.test
SMTPTOOLS_PASSWORD_BOB=Passw0rd!bob
SMTPTOOLS_USER_CAROL=carol@smtptools.test
SMTPTOOLS_PASSWORD_CAROL=Passw0rd!carol
SMTPTOOLS_MAILDIR_ROOT=$RUN/mail
SMTPTOOLS_POSTFIX_LOG=$RUN/postfix.log
SMTPTOOLS_CA_CERT=$TLS/ca.crt
SMTPTOOLS_CA_BUNDLE=$RUN/ca-bundle.pem
ENV
} > "$RUN/servers.env"

# --- wait until everything answers ----------------------------------------------------------------
wait_for_zones
banner() { python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$1),2); s.settimeout(2); d=s.recv(100); sys.exit(0 if d.startswith(b'220') else 1)"; }
tlsbanner() { python3 -c "import socket,ssl,sys; c=ssl._create_unverified_context(); s=c.wrap_socket(socket.create_connection(('127.0.0.1',$1),2)); s.settimeout(2); sys.exit(0 if s.recv(100).startswith(b'220') else 1)"; }
for port in $PORT_PLAIN $PORT_SUBMISSION $PORT_UNTRUSTED $PORT_RELAY $PORT_SINK; do wait_for "SMTP port $port" banner $port; done
wait_for "implicit TLS port $PORT_IMPLICIT" tlsbanner $PORT_IMPLICIT
wait_for "silent listener $PORT_SILENT" python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT_SILENT),2)"
log "all servers up; settings in $RUN/servers.env"
