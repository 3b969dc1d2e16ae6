#!/usr/bin/env bash
# Starts the loopback servers the integration tests use and writes run/servers.env describing them:
#   Knot DNS   127.0.0.1:53053  every zones/<zone>.zone file (file name = zone name), knotc control socket; zone
#                               files are filled in at start ({{HTTPS_ADDRESS}}, @tlsa lines: see fixtures.py) and
#                               those marked "; dnssec: sign" are DNSSEC-signed by Knot
#   unbound    127.0.0.1:53054  validating resolver in front of Knot, the signed zones' keys as trust anchors
#   nginx      <HTTPS address>:443  MTA-STS policies and BIMI logos/certificates (https/), test-CA certificates;
#                               the address is 127.0.0.1 at offset 0 and 127.1.<offset/256>.<offset%256> otherwise
#   Postfix    127.0.0.1:2525 plain (no STARTTLS, no AUTH)      2587 STARTTLS, AUTH after TLS
#              127.0.0.1:2465 implicit TLS + AUTH               2588 STARTTLS with an untrusted self-signed cert
#              127.0.0.1:2526 open relay (outside mail is discarded)
#              127.0.0.1:2532 plain, anvil: at most 2 sessions per client (421 4.7.0 too many connections)
#              127.0.0.1:2533 plain, anvil: at most 10 messages per client per 5 s (450 4.7.1 too much mail)
#              127.2.<offset/256>.<offset%256|1>:2587 STARTTLS with the self-signed cert, and [::1]:2587 (as 127.0.0.1:2587)
#              when lo has ::1: an MX host's addresses for DANE per address; nothing listens on 127.3.<same> (dead)
#   Dovecot    SASL for Postfix, LMTP delivery into run/mail/<user>/Maildir
#   smtp-sink  127.0.0.1:2527 (throughput)     silent TCP listener 127.0.0.1:2529 (never sends a banner)
#   broken STARTTLS 127.0.0.1:2530 (offers STARTTLS, accepts it, then sends no TLS: the handshake fails)
# Idempotent: stops what a previous run started, then starts afresh. Needs root (apt, postfix, dovecot).
# Only loopback addresses are used. Every server, zone and test domain: tests/Integration/README.md.
#   SMTPTOOLS_PORT_OFFSET=N  adds N to every port above (default 0), so several work trees can each run their own
#                            servers at once (e.g. 1000: DNS 54053, SMTP 3525 …); tests read the ports from servers.env.
#                            HTTPS stays on port 443 (RFC 8461 fixes it) on an address of its own per offset.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$HERE/run"
ZONES="$HERE/zones"
OFFSET="${SMTPTOOLS_PORT_OFFSET:-0}"
DNS_PORT="${SMTPTOOLS_DNS_PORT:-$((53053 + OFFSET))}"
PORT_PLAIN=$((2525 + OFFSET)); PORT_SUBMISSION=$((2587 + OFFSET)); PORT_IMPLICIT=$((2465 + OFFSET))
PORT_UNTRUSTED=$((2588 + OFFSET)); PORT_RELAY=$((2526 + OFFSET)); PORT_SINK=$((2527 + OFFSET))
PORT_SILENT=$((2529 + OFFSET)); PORT_BROKEN_TLS=$((2530 + OFFSET)); PORT_CLOSED=$((2599 + OFFSET))
PORT_CONN_LIMIT=$((2532 + OFFSET)); PORT_RATE_LIMIT=$((2533 + OFFSET))
RESOLVER_PORT="${SMTPTOOLS_RESOLVER_PORT:-$((DNS_PORT + 1))}"
# MTA-STS and BIMI fetches go to port 443 by RFC, so each work tree gets its own loopback address instead of a port
# (all of 127.0.0.0/8 is on lo); the zones point mta-sts.* and images.bimi.test at it.
if [ "$OFFSET" = 0 ]; then HTTPS_ADDRESS_DEFAULT=127.0.0.1; else HTTPS_ADDRESS_DEFAULT="127.1.$((OFFSET / 256 % 256)).$((OFFSET % 256))"; fi
HTTPS_ADDRESS="${SMTPTOOLS_HTTPS_ADDRESS:-$HTTPS_ADDRESS_DEFAULT}"
# DANE per address (Test-SmtpDane): a second loopback address where a Postfix listener on the STARTTLS port presents
# the self-signed "untrusted" certificate, and one where nothing listens; per offset, like the HTTPS address.
SMTP_SECOND_ADDRESS="127.2.$((OFFSET / 256 % 256)).$((OFFSET % 256 | 1))"
SMTP_DEAD_ADDRESS="127.3.$((OFFSET / 256 % 256)).$((OFFSET % 256 | 1))"
# ::1 gets a STARTTLS listener too when lo has it (the DANE zone's AAAA records point there).
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then SMTP_IPV6=yes; else SMTP_IPV6=no; fi
# --dns-only <servers.env>: start only Knot (on $SMTPTOOLS_DNS_PORT) and unbound (the next port) for this checkout's
# zones and copy the SMTP and HTTPS settings from another checkout's servers.env (its certificates fill in the TLSA
# records); lets several work trees share one set of mail and web servers.
DNS_ONLY=""
if [ "${1:-}" = "--dns-only" ]; then DNS_ONLY="${2:?--dns-only needs the servers.env of the running mail servers}"; fi
TLSA_TLS=""   # where the certificates the TLSA records describe are: this run's, or those of the borrowed servers
if [ -n "$DNS_ONLY" ]; then
  HTTPS_ADDRESS="$(sed -n 's/^SMTPTOOLS_HTTPS_ADDRESS=//p' "$DNS_ONLY")"
  TLSA_TLS="$(sed -n 's/^SMTPTOOLS_TLS_DIR=//p' "$DNS_ONLY")"
  # Mail servers started before Test-SmtpDane have no second listener: the zones still load, the per-address DANE tests fail.
  if grep -q '^SMTPTOOLS_SMTP_SECOND_ADDRESS=' "$DNS_ONLY"; then
    SMTP_SECOND_ADDRESS="$(sed -n 's/^SMTPTOOLS_SMTP_SECOND_ADDRESS=//p' "$DNS_ONLY")"
    SMTP_DEAD_ADDRESS="$(sed -n 's/^SMTPTOOLS_SMTP_DEAD_ADDRESS=//p' "$DNS_ONLY")"
    SMTP_IPV6="$(sed -n 's/^SMTPTOOLS_SMTP_IPV6=//p' "$DNS_ONLY")"
  else
    echo "$DNS_ONLY has no SMTPTOOLS_SMTP_SECOND_ADDRESS (servers started before Test-SmtpDane): the DANE per-address tests will fail" >&2
  fi
  [ -n "$HTTPS_ADDRESS" ] && [ -d "$TLSA_TLS" ] || { echo "$DNS_ONLY lacks SMTPTOOLS_HTTPS_ADDRESS/SMTPTOOLS_TLS_DIR" >&2; exit 1; }
fi

log() { printf '[start-servers] %s\n' "$*"; }
fail() { printf '[start-servers] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts postfix/dovecot)"

# --- packages -------------------------------------------------------------------------------------
PACKAGES=(knot knot-dnsutils knot-dnssecutils dnsutils unbound nginx curl postfix dovecot-core dovecot-lmtpd openssl
          ca-certificates python3 python3-dkim python3-nacl python3-dnspython opendkim-tools publicsuffix
          chromium)   # not a server: headless chromium renders Export-EmailDomainReport's HTML in the tests
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
# Besides its own name, the MX host names of the test domains that point at this Postfix and must pass name checks
# (MTA-STS -ProbeMx, DANE-TA): mail.test's MX hosts and dane.test's DANE-TA hosts (see zones/).
MX_NAMES=(mx1.mail.test mx2.mail.test mx-badtlsa.mail.test)
for s in cert spki; do for m in full sha256 sha512; do MX_NAMES+=("ta-$s-$m.dane.test"); done; done
SERVER_SANS="DNS:mail.smtptools.test,DNS:localhost,IP:127.0.0.1$(printf ',DNS:%s' "${MX_NAMES[@]}")"
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$SERVER_SANS" > "$TLS/server.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 365 \
  -extfile "$TLS/server.ext" -out "$TLS/server.crt" 2>/dev/null
# Postfix presents the CA after its certificate: DANE-TA(2) needs the trust anchor in the chain (RFC 7671 5.2.2).
cat "$TLS/server.crt" "$TLS/ca.crt" > "$TLS/server-chain.pem"
# A certificate no server presents: TLSA records made from it never match.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj "/CN=other.smtptools.test" \
  -keyout "$TLS/other.key" -out "$TLS/other.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=untrusted.smtptools.test" \
  -addext "subjectAltName=DNS:untrusted.smtptools.test" -keyout "$TLS/untrusted.key" -out "$TLS/untrusted.crt" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$TLS/ca.crt" > "$RUN/ca-bundle.pem"
chmod 644 "$TLS"/*.crt "$RUN/ca-bundle.pem"; chmod 640 "$TLS"/*.key

# --- HTTPS content and certificates (nginx), BIMI mark certificates ----------------------------------------------------
# The committed files (https/) plus what only exists at start: an oversized policy, an oversized logo, the mark
# certificates (they embed a logo and are signed by the CA made above).
WEB="$RUN/https"; mkdir -p "$WEB/tmp"
cp -r "$HERE/https/." "$WEB/"
python3 "$HERE/fixtures.py" oversized-policy "$WEB/mta-sts/oversized.sts.test.txt" + big-svg "$WEB/bimi/big.svg" \
  + logotype "$HERE/https/bimi/logo.svg" "$TLS/logo.logotype" + logotype "$HERE/https/bimi/other-logo.svg" "$TLS/other-logo.logotype" \
  + logotype-badhash "$HERE/https/bimi/logo.svg" "$TLS/logo-badhash.logotype"
# A valid logo that nginx serves as text/plain (BIMI wants image/svg+xml).
cp "$WEB/bimi/logo.svg" "$WEB/bimi/logo-as-text.txt"
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
ca_sign() { # stem, subject, extensions file, [section], [days, 365]: $TLS/<stem>.crt signed by the test CA
  ec_key "$TLS/$1.key"
  openssl req -new -config "$3" -key "$TLS/$1.key" -subj "$2" -out "$TLS/$1.csr" 2>/dev/null
  openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days "${5:-365}" \
    -extfile "$3" ${4:+-extensions "$4"} -out "$TLS/$1.crt" 2>/dev/null || fail "could not make the $1 certificate"
}
# One certificate for every HTTPS name that must validate: each mta-sts.<domain> with a policy file or a planned
# failure over HTTP (404, 500, redirect, oversized, too many header fields), and images.bimi.test. expired-cert and wrong-name get their own below.
WEB_NAMES=(images.bimi.test mta-sts.notfound.sts.test mta-sts.redirect.sts.test mta-sts.servererror.sts.test mta-sts.manyheaders.sts.test mta-sts.grade-mtasts-broken.test)
for f in "$WEB"/mta-sts/*.txt; do
  d="$(basename "$f" .txt)"
  case "$d" in expired-cert.sts.test|expiring-cert.sts.test|wrong-name.sts.test) ;; *) WEB_NAMES+=("mta-sts.$d") ;; esac
done
printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
  "$(printf 'DNS:%s,' "${WEB_NAMES[@]}" | sed 's/,$//')" > "$TLS/web.cnf"
ca_sign web "/CN=mta-sts.enforce.sts.test" "$TLS/web.cnf" ext
printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:mta-sts.other-name.sts.test\nextendedKeyUsage=serverAuth\n' > "$TLS/wrongname.cnf"
ca_sign wrongname "/CN=mta-sts.other-name.sts.test" "$TLS/wrongname.cnf" ext
# Expiring: valid for 7 more days (Test-MtaStsPolicy warns under 14).
printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:mta-sts.expiring-cert.sts.test\nextendedKeyUsage=serverAuth\n' > "$TLS/expiring.cnf"
ca_sign expiring "/CN=mta-sts.expiring-cert.sts.test" "$TLS/expiring.cnf" ext 7
# Expired: valid 2024-01-01 .. 2024-02-01 (openssl x509 cannot backdate; openssl ca can).
mkdir -p "$TLS/issued"; : > "$TLS/index.txt"
cat > "$TLS/ca.cnf" <<CNF
[req]
distinguished_name = dn
[dn]
[ca]
default_ca = test
[test]
database = $TLS/index.txt
new_certs_dir = $TLS/issued
rand_serial = yes
certificate = $TLS/ca.crt
private_key = $TLS/ca.key
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
[ext]
subjectAltName = DNS:mta-sts.expired-cert.sts.test
extendedKeyUsage = serverAuth
CNF
ec_key "$TLS/expired.key"
openssl req -new -config "$TLS/ca.cnf" -key "$TLS/expired.key" -subj "/CN=mta-sts.expired-cert.sts.test" -out "$TLS/expired.csr" 2>/dev/null
openssl ca -batch -notext -config "$TLS/ca.cnf" -extensions ext -startdate 20240101000000Z -enddate 20240201000000Z \
  -in "$TLS/expired.csr" -out "$TLS/expired.crt" 2>/dev/null || fail "could not make the expired certificate"
# BIMI mark certificates (VMC/CMC profile, README "BIMI"): BIMI EKU, the Mark Certificate general policy, the mark
# type in the subject, and the logo in an RFC 3709 logotype extension as a gzip data: URI. Served with the CA after
# them (the draft asks for the chain).
mark_cert() { # stem, SAN, subject, logotype extension (hex DER, made above; "-": none)
  # One thing changed for the certificates of the cert-*.bimi.test domains: MC_EKU, MC_POLICY (other values), MC_DAYS
  # (validity), MC_DATES="start end" (signed with openssl ca, which can backdate), MC_SELF=1 (self-signed: no trusted chain).
  cat > "$TLS/$1.cnf" <<CNF
oid_section = bimi_oids
[bimi_oids]
markType = 1.3.6.1.4.1.53087.1.13
trademarkOfficeName = 1.3.6.1.4.1.53087.1.2
trademarkCountryOrRegionName = 1.3.6.1.4.1.53087.1.3
trademarkRegistration = 1.3.6.1.4.1.53087.1.4
[req]
distinguished_name = dn
[dn]
[ext]
subjectAltName = DNS:$2
extendedKeyUsage = ${MC_EKU:-1.3.6.1.5.5.7.3.31}
certificatePolicies = ${MC_POLICY:-1.3.6.1.4.1.53087.1.1}
keyUsage = critical, digitalSignature
basicConstraints = CA:FALSE
$([ "$4" = - ] || echo "1.3.6.1.5.5.7.1.12 = DER:$(cat "$4")")
CNF
  if [ -n "${MC_SELF:-}" ]; then
    ec_key "$TLS/$1.key"
    openssl req -x509 -new -config "$TLS/$1.cnf" -extensions ext -key "$TLS/$1.key" -subj "$3" -days 365 \
      -out "$TLS/$1.crt" 2>/dev/null || fail "could not make the $1 certificate"
    cp "$TLS/$1.crt" "$WEB/bimi/$1.pem"
    return
  fi
  if [ -n "${MC_DATES:-}" ]; then
    ec_key "$TLS/$1.key"
    openssl req -new -config "$TLS/$1.cnf" -key "$TLS/$1.key" -subj "$3" -out "$TLS/$1.csr" 2>/dev/null
    openssl ca -batch -notext -preserveDN -config "$TLS/ca.cnf" -extfile "$TLS/$1.cnf" -extensions ext \
      -startdate "${MC_DATES% *}" -enddate "${MC_DATES#* }" -in "$TLS/$1.csr" -out "$TLS/$1.crt" 2>/dev/null \
      || fail "could not make the $1 certificate"
  else
    ca_sign "$1" "$3" "$TLS/$1.cnf" ext "${MC_DAYS:-365}"
  fi
  cat "$TLS/$1.crt" "$TLS/ca.crt" > "$WEB/bimi/$1.pem"
}
VMC_SUBJECT="/C=US/O=SmtpTools Test/CN=SmtpTools Test/markType=Registered Mark/trademarkOfficeName=Test Trademark Office/trademarkCountryOrRegionName=US/trademarkRegistration=TEST-0001"
mark_cert vmc good.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
mark_cert vmc-other-logo vmc-mismatch.bimi.test "$VMC_SUBJECT" "$TLS/other-logo.logotype"
mark_cert cmc cmc.bimi.test "/C=US/O=SmtpTools Test/CN=SmtpTools Test/markType=Prior Use Mark" "$TLS/logo.logotype"
MC_DATES="20240101000000Z 20240201000000Z" mark_cert mc-expired cert-expired.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
MC_DATES="20400101000000Z 20410101000000Z" mark_cert mc-future cert-future.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
MC_DAYS=10 mark_cert mc-expiring cert-expiring.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
MC_EKU=serverAuth mark_cert mc-noeku cert-noeku.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
MC_POLICY=2.23.140.1.2.1 mark_cert mc-nopolicy cert-nopolicy.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
mark_cert mc-nomarktype cert-nomarktype.bimi.test "/C=US/O=SmtpTools Test/CN=SmtpTools Test/trademarkOfficeName=Test Trademark Office/trademarkCountryOrRegionName=US/trademarkRegistration=TEST-0001" "$TLS/logo.logotype"
mark_cert mc-logomark cert-logomark.bimi.test "/C=US/O=SmtpTools Test/CN=SmtpTools Test/markType=Logo Mark" "$TLS/logo.logotype"
mark_cert mc-otherdomain other-brand.example.test "$VMC_SUBJECT" "$TLS/logo.logotype"
mark_cert mc-nologo cert-nologo.bimi.test "$VMC_SUBJECT" -
mark_cert mc-badhash cert-badhash.bimi.test "$VMC_SUBJECT" "$TLS/logo-badhash.logotype"
MC_SELF=1 mark_cert mc-untrusted cert-untrusted.bimi.test "$VMC_SUBJECT" "$TLS/logo.logotype"
chmod 644 "$TLS"/*.crt; chmod 640 "$TLS"/*.key

# --- HTTPS: nginx ---------------------------------------------------------------------------------------------------
NGINX_LISTEN="$HTTPS_ADDRESS:443 ssl"
own_certificate_server() { # variant, certificate stem: its policy, presented with a certificate of its own
  cat <<BLOCK
    server {
        listen $NGINX_LISTEN;
        server_name mta-sts.$1.sts.test;
        ssl_certificate $TLS/$2.crt;
        ssl_certificate_key $TLS/$2.key;
        location = /.well-known/mta-sts.txt { alias $WEB/mta-sts/$1.sts.test.txt; }
    }
BLOCK
}
cat > "$WEB/nginx.conf" <<CONF
# generated by start-servers.sh
user root;
worker_processes 1;
daemon on;
pid $WEB/nginx.pid;
error_log $WEB/error.log warn;
events { worker_connections 256; }
http {
    access_log $WEB/access.log;
    client_body_temp_path $WEB/tmp/body;
    proxy_temp_path $WEB/tmp/proxy;
    fastcgi_temp_path $WEB/tmp/fastcgi;
    uwsgi_temp_path $WEB/tmp/uwsgi;
    scgi_temp_path $WEB/tmp/scgi;
    types { text/plain txt; image/svg+xml svg; application/pem-certificate-chain pem; }
    default_type application/octet-stream;
    server_tokens off;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $TLS/web.crt;
    ssl_certificate_key $TLS/web.key;
    # a name this server does not serve
    server { listen $NGINX_LISTEN default_server; server_name _; return 421; }
    # MTA-STS policies: mta-sts/<domain>.txt as text/plain, 404 where there is none
    server {
        listen $NGINX_LISTEN;
        server_name ~^mta-sts\.(?<policy_domain>.+)\$;
        location = /.well-known/mta-sts.txt { root $WEB/mta-sts; try_files /\$policy_domain.txt =404; }
        location / { return 404; }
    }
    server {
        listen $NGINX_LISTEN;
        server_name mta-sts.content-type.sts.test;
        location = /.well-known/mta-sts.txt { types { } default_type text/html; alias $WEB/mta-sts/content-type.sts.test.txt; }
    }
    server {
        listen $NGINX_LISTEN;
        server_name mta-sts.redirect.sts.test;
        location / { return 301 https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt; }
    }
    server {
        listen $NGINX_LISTEN;
        server_name mta-sts.servererror.sts.test;
        location / { return 500; }
    }
    # a valid policy behind 120 extra header fields: more than the 100 a client reads before calling the answer broken
    server {
        listen $NGINX_LISTEN;
        server_name mta-sts.manyheaders.sts.test;
        location = /.well-known/mta-sts.txt {
            alias $WEB/mta-sts/enforce.sts.test.txt;
$(for i in $(seq 1 120); do echo "            add_header X-Padding-$i $i;"; done)
        }
    }
$(own_certificate_server expired-cert expired)
$(own_certificate_server wrong-name wrongname)
$(own_certificate_server expiring-cert expiring)
    # BIMI logos and mark certificates
    server {
        listen $NGINX_LISTEN;
        server_name images.bimi.test;
        root $WEB/bimi;
        location / { try_files \$uri =404; }
    }
}
CONF

# --- DNS: zone files filled in, DNSSEC signing, Knot --------------------------------------------------------------
# Zone files are rendered into run/zones (fixtures.py render-zones): the HTTPS address and TLSA records made from
# the certificates above. "; dnssec: sign" zones are signed by Knot; "; dnssec: expired" ones are signed here as if
# 30 days ago with 3-day signatures (kzonesign), so their signatures have all expired.
KNOT="$RUN/knot"; mkdir -p "$KNOT/db" "$KNOT/offline-db" "$RUN/zones" "$RUN/zones-signed"
TLSA_TLS="${TLSA_TLS:-$TLS}"
TLSA_CERTS=(CERT_SERVER="$TLSA_TLS/server.crt" CERT_CA="$TLSA_TLS/ca.crt" CERT_UNTRUSTED="$TLSA_TLS/untrusted.crt" CERT_OTHER="$TLSA_TLS/other.crt")
python3 "$HERE/fixtures.py" render-zones "$ZONES" "$RUN/zones" HTTPS_ADDRESS="$HTTPS_ADDRESS" "${TLSA_CERTS[@]}" \
  SMTP_SECOND_ADDRESS="$SMTP_SECOND_ADDRESS" SMTP_DEAD_ADDRESS="$SMTP_DEAD_ADDRESS" \
  TLSA_PORTS="$PORT_PLAIN,$PORT_SUBMISSION,$PORT_IMPLICIT,$PORT_UNTRUSTED" || fail "could not fill in the zone files"
zone_names() { for f in "$RUN/zones"/*.zone; do [ -e "$f" ] && basename "$f" .zone; done; }
dnssec_mark() { sed -n '1s/^; dnssec: //p' "$RUN/zones/$1.zone"; }
DNSSEC_POLICY='policy:
  - id: test
    algorithm: ecdsap256sha256
    nsec3: off
    zsk-lifetime: 0
    ksk-lifetime: 0
    rrsig-lifetime: 3d
    rrsig-refresh: 1d'
for zone in $(zone_names); do
  case "$(dnssec_mark "$zone")" in
    expired*)
      printf 'database:\n    storage: "%s"\n%s\ntemplate:\n  - id: default\n    storage: "%s"\n    file: "%%s.zone"\nzone:\n  - domain: "%s."\n    dnssec-signing: on\n    dnssec-policy: test\n' \
        "$KNOT/offline-db" "$DNSSEC_POLICY" "$RUN/zones" "$zone" > "$KNOT/kzonesign.conf"
      kzonesign -c "$KNOT/kzonesign.conf" -o "$RUN/zones-signed" -t $(( $(date +%s) - 30 * 86400 )) "$zone" >/dev/null 2>&1 || true
      grep -q RRSIG "$RUN/zones-signed/$zone.zone" 2>/dev/null || fail "kzonesign could not sign $zone"
      ;;
  esac
done
KNOT_LISTEN=(--listen "127.0.0.1@$DNS_PORT")
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then KNOT_LISTEN+=(--listen "::1@$DNS_PORT"); fi
{
  bash "$HERE/knot-conf.sh" --rundir "$KNOT" --zones "$RUN/zones" "${KNOT_LISTEN[@]}" --log info
  echo "$DNSSEC_POLICY"
  echo "zone:"
  for zone in $(zone_names); do
    echo "  - domain: \"$zone.\""
    case "$(dnssec_mark "$zone")" in
      sign*) echo "    dnssec-signing: on"; echo "    dnssec-policy: test" ;;
      expired*) echo "    file: \"$RUN/zones-signed/$zone.zone\"" ;;
    esac
  done
} > "$KNOT/knot.conf"
knotc -c "$KNOT/knot.conf" conf-check >/dev/null || fail "knot configuration rejected: $KNOT/knot.conf"
knotd -c "$KNOT/knot.conf" -d
# Zones whose files fail to load leave the server up; every zone is checked below.

write_dns_env() {
  cat <<ENV
# Written by tests/Integration/start-servers.sh; read by tests/Shared/IntegrationServers.cs.
SMTPTOOLS_DNS=127.0.0.1:$DNS_PORT
SMTPTOOLS_DNS_PORT=$DNS_PORT
SMTPTOOLS_KNOTC_SOCKET=$KNOT/knot.sock
SMTPTOOLS_RESOLVER=127.0.0.1:$RESOLVER_PORT
SMTPTOOLS_RESOLVER_PORT=$RESOLVER_PORT
SMTPTOOLS_UNBOUND_CONTROL=$RUN/unbound/unbound.conf
ENV
}
wait_for() { # description, command...
  local what="$1"; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "$what is not answering"
}
expect() { # description, command...: a check that must hold once the servers answer
  local what="$1"; shift
  "$@" >/dev/null 2>&1 || fail "check failed: $what"
}
dig_at() { dig +time=2 +tries=1 -p "$1" @127.0.0.1 "${@:2}"; }
wait_for_zones() { # every zone answers its SOA, every signed zone its DNSKEY: one dig for all the questions
  local questions=() expected=() zone type answers missing
  for zone in $(zone_names); do
    type=SOA; [ -n "$(dnssec_mark "$zone")" ] && type=DNSKEY
    questions+=("$zone" "$type"); expected+=("$zone.	$type")
  done
  for _ in $(seq 1 100); do
    answers="$(dig_at "$DNS_PORT" +noall +answer "${questions[@]}" 2>/dev/null | awk '{print $1 "\t" $4}')"
    missing="$(printf '%s\n' "${expected[@]}" | grep -vxF -f <(printf '%s\n' "$answers") || true)"
    [ -z "$missing" ] && return 0
    sleep 0.1
  done
  fail "zones not answering: $(echo $missing)"
}

# --- DNS: unbound, validating, in front of Knot ---------------------------------------------------------------------
# Every query goes to Knot (a forward zone for the root), so nothing leaves the machine; each signed zone's KSK is a
# trust anchor, except for "anchor: mismatch" zones, whose anchor is another zone's key (bogus: SERVFAIL). Zones
# without an anchor are insecure: answered, without the AD bit.
start_unbound() {
  local ub="$RUN/unbound" zone ksk reference
  mkdir -p "$ub"
  ksk_of() { dig_at "$DNS_PORT" +short DNSKEY "$1" | awk '$1 == 257'; }
  reference="$(ksk_of dnssec.test)"
  [ -n "$reference" ] || fail "dnssec.test has no KSK"
  {
    echo "# generated by start-servers.sh"
    echo "server:"
    echo "    verbosity: 1"
    echo "    use-syslog: no"
    echo "    logfile: \"$ub/unbound.log\""
    echo "    username: \"\""
    echo "    chroot: \"\""
    echo "    directory: \"$ub\""
    echo "    pidfile: \"$ub/unbound.pid\""
    echo "    interface: 127.0.0.1@$RESOLVER_PORT"
    if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then echo "    interface: ::1@$RESOLVER_PORT"; fi
    echo "    access-control: 127.0.0.0/8 allow"
    echo "    access-control: ::1 allow"
    echo "    do-not-query-localhost: no"
    echo "    num-threads: 1"
    echo "    so-reuseport: no"
    echo "    outgoing-range: 64"
    echo "    num-queries-per-thread: 32"
    # short caches: tests add records at run time (knotc) and expect to see them soon
    echo "    cache-max-ttl: 30"
    echo "    cache-max-negative-ttl: 2"
    echo "    val-log-level: 2"
    echo "    log-servfail: yes"
    echo "    aggressive-nsec: no"
    echo "    qname-minimisation: no"
    # unbound answers these itself by default (RFC 6761 / 6303 names); here they belong to Knot
    for z in test. 2.0.192.in-addr.arpa. 127.in-addr.arpa. 8.b.d.0.1.0.0.2.ip6.arpa.; do echo "    local-zone: \"$z\" nodefault"; done
    for zone in $(zone_names); do
      case "$(dnssec_mark "$zone")" in
        "") ;;
        *mismatch*) echo "    trust-anchor: \"$zone. DNSKEY $reference\"" ;;
        *) ksk="$(ksk_of "$zone")"; [ -n "$ksk" ] || fail "$zone has no KSK"; echo "    trust-anchor: \"$zone. DNSKEY $ksk\"" ;;
      esac
    done
    echo "forward-zone:"
    echo "    name: \".\""
    echo "    forward-addr: 127.0.0.1@$DNS_PORT"
    echo "remote-control:"
    echo "    control-enable: yes"
    echo "    control-interface: \"$ub/unbound.ctl\""
    echo "    control-use-cert: no"
  } > "$ub/unbound.conf"
  unbound-checkconf "$ub/unbound.conf" >/dev/null || fail "unbound configuration rejected: $ub/unbound.conf"
  unbound -c "$ub/unbound.conf" || fail "unbound did not start (see $ub/unbound.log)"
  wait_for "unbound on port $RESOLVER_PORT" sh -c "dig +time=1 +tries=1 @127.0.0.1 -p $RESOLVER_PORT SOA mx.test | grep -q 'status: NOERROR'"
}

# What the DNSSEC set-up promises, asked of unbound and of Knot directly.
prove_dns() {
  expect "an unsigned zone answers through Knot and unbound, without AD" \
    sh -c "dig +time=2 +tries=1 @127.0.0.1 -p $RESOLVER_PORT MX multi.mx.test | grep -q 'status: NOERROR' && ! dig +time=2 +tries=1 @127.0.0.1 -p $RESOLVER_PORT MX multi.mx.test | grep -q 'flags:.* ad[ ;]'"
  expect "dnssec.test is validated by unbound (AD bit)" \
    sh -c "dig +time=2 +tries=1 +dnssec @127.0.0.1 -p $RESOLVER_PORT A dnssec.test | grep -q 'flags:.* ad[ ;]'"
  expect "TLSA records of dane.test come with the AD bit" \
    sh -c "dig +time=2 +tries=1 @127.0.0.1 -p $RESOLVER_PORT TLSA _25._tcp.ee-spki-sha256.dane.test | grep -q 'flags:.* ad[ ;]'"
  for zone in dnssec-expired.test dnssec-badanchor.test; do
    expect "$zone is bogus through unbound (SERVFAIL)" sh -c "dig +time=2 +tries=1 @127.0.0.1 -p $RESOLVER_PORT A $zone | grep -q 'status: SERVFAIL'"
    expect "$zone answers from Knot directly" sh -c "dig +time=2 +tries=1 @127.0.0.1 -p $DNS_PORT A $zone | grep -q 'status: NOERROR'"
  done
}

if [ -n "$DNS_ONLY" ]; then
  { write_dns_env; grep -v '^SMTPTOOLS_DNS\|^SMTPTOOLS_KNOTC\|^SMTPTOOLS_RESOLVER\|^SMTPTOOLS_UNBOUND\|^#' "$DNS_ONLY"; } > "$RUN/servers.env"
  wait_for_zones
  start_unbound
  prove_dns
  log "DNS up on port $DNS_PORT, validating resolver on $RESOLVER_PORT; settings in $RUN/servers.env"
  exit 0
fi

# nginx after the DNS-only exit: that mode uses the HTTPS server of the checkout it borrows the mail servers from.
nginx -t -c "$WEB/nginx.conf" -p "$WEB" >/dev/null 2>&1 || fail "nginx configuration rejected: $(nginx -t -c "$WEB/nginx.conf" -p "$WEB" 2>&1 | tail -3)"
nginx -c "$WEB/nginx.conf" -p "$WEB" || fail "nginx did not start (see $WEB/error.log)"

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
inet_protocols = $([ "$SMTP_IPV6" = yes ] && echo all || echo ipv4)
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
smtpd_tls_cert_file = $TLS/server-chain.pem
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
# Only the two anvil ports below set limits; a short unit keeps the rate-limit tests short.
anvil_rate_time_unit = 5s
default_process_limit = 50
CONF
cat > "$PF/conf/master.cf" <<CONF
127.0.0.1:$PORT_PLAIN inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no
127.0.0.1:$PORT_SUBMISSION inet n - n - - smtpd -o smtpd_tls_security_level=may -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PORT_IMPLICIT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes
127.0.0.1:$PORT_UNTRUSTED inet n - n - - smtpd -o smtpd_tls_cert_file=$TLS/untrusted.crt -o smtpd_tls_key_file=$TLS/untrusted.key -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes
$SMTP_SECOND_ADDRESS:$PORT_SUBMISSION inet n - n - - smtpd -o smtpd_tls_cert_file=$TLS/untrusted.crt -o smtpd_tls_key_file=$TLS/untrusted.key -o smtpd_tls_security_level=may -o smtpd_sasl_auth_enable=no
$([ "$SMTP_IPV6" = yes ] && echo "[::1]:$PORT_SUBMISSION inet n - n - - smtpd -o smtpd_tls_security_level=may -o smtpd_tls_auth_only=yes -o smtpd_sasl_auth_enable=yes")
127.0.0.1:$PORT_RELAY inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no -o mynetworks=127.0.0.0/8 -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination -o smtpd_recipient_restrictions=permit
127.0.0.1:$PORT_CONN_LIMIT inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no -o smtpd_client_connection_count_limit=2
127.0.0.1:$PORT_RATE_LIMIT inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no -o smtpd_client_message_rate_limit=10
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
# An SMTP server whose STARTTLS is broken: it offers and accepts STARTTLS, then answers the TLS ClientHello with plain
# text, as a middlebox that strips TLS or a misconfigured server does (Test-MtaStsPolicy -ProbeMx: TlsFailed).
nohup python3 - "$PORT_BROKEN_TLS" >/dev/null 2>&1 <<'PY' &
import socket, sys, threading
def serve(c):
    try:
        f = c.makefile("rb")
        c.sendall(b"220 broken-tls.test ESMTP\r\n")
        for line in f:
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                c.sendall(b"250-broken-tls.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            elif verb == b"STARTTLS":
                c.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                c.recv(4096)
                c.sendall(b"this is not a TLS handshake\r\n")
                break
            elif verb == b"QUIT":
                c.sendall(b"221 2.0.0 Bye\r\n")
                break
            else:
                c.sendall(b"502 5.5.2 Error: command not recognized\r\n")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
echo $! > "$RUN/broken-tls.pid"

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
SMTPTOOLS_SMTP_BROKEN_TLS_PORT=$PORT_BROKEN_TLS
SMTPTOOLS_SMTP_CLOSED_PORT=$PORT_CLOSED
SMTPTOOLS_SMTP_CONNECTION_LIMIT_PORT=$PORT_CONN_LIMIT
SMTPTOOLS_SMTP_CONNECTION_LIMIT=2
SMTPTOOLS_SMTP_RATE_LIMIT_PORT=$PORT_RATE_LIMIT
SMTPTOOLS_SMTP_RATE_LIMIT=10
SMTPTOOLS_SMTP_RATE_LIMIT_SECONDS=5
SMTPTOOLS_SMTP_SECOND_ADDRESS=$SMTP_SECOND_ADDRESS
SMTPTOOLS_SMTP_DEAD_ADDRESS=$SMTP_DEAD_ADDRESS
SMTPTOOLS_SMTP_IPV6=$SMTP_IPV6
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
SMTPTOOLS_TLS_DIR=$TLS
SMTPTOOLS_SMTP_CERT=$TLS/server.crt
SMTPTOOLS_SMTP_UNTRUSTED_CERT=$TLS/untrusted.crt
SMTPTOOLS_TLSA_OTHER_CERT=$TLS/other.crt
SMTPTOOLS_HTTPS_ADDRESS=$HTTPS_ADDRESS
SMTPTOOLS_HTTPS_PORT=443
SMTPTOOLS_HTTPS_ROOT=$WEB
ENV
} > "$RUN/servers.env"

# --- wait until everything answers ----------------------------------------------------------------
wait_for_zones
banner() { python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$1),2); s.settimeout(2); d=s.recv(100); sys.exit(0 if d.startswith(b'220') else 1)"; }
tlsbanner() { python3 -c "import socket,ssl,sys; c=ssl._create_unverified_context(); s=c.wrap_socket(socket.create_connection(('127.0.0.1',$1),2)); s.settimeout(2); sys.exit(0 if s.recv(100).startswith(b'220') else 1)"; }
for port in $PORT_PLAIN $PORT_SUBMISSION $PORT_UNTRUSTED $PORT_RELAY $PORT_SINK $PORT_CONN_LIMIT $PORT_RATE_LIMIT; do wait_for "SMTP port $port" banner $port; done
wait_for "implicit TLS port $PORT_IMPLICIT" tlsbanner $PORT_IMPLICIT
# anvil's limits are real: a third session from one client is refused at the greeting.
expect "anvil refuses a third session on port $PORT_CONN_LIMIT (421 4.7.0)" python3 -c "
import socket, sys, time
held = [socket.create_connection(('127.0.0.1', $PORT_CONN_LIMIT), 2) for _ in range(2)]
for h in held: h.settimeout(5); h.recv(200)
s = socket.create_connection(('127.0.0.1', $PORT_CONN_LIMIT), 2); s.settimeout(5)
reply = s.recv(200)
sys.exit(0 if reply.startswith(b'421') and b'too many connections' in reply else 1)"
wait_for "STARTTLS listener $SMTP_SECOND_ADDRESS:$PORT_SUBMISSION" python3 -c "import socket,sys; s=socket.create_connection(('$SMTP_SECOND_ADDRESS',$PORT_SUBMISSION),2); s.settimeout(2); sys.exit(0 if s.recv(100).startswith(b'220') else 1)"
if [ "$SMTP_IPV6" = yes ]; then
  wait_for "STARTTLS listener [::1]:$PORT_SUBMISSION" python3 -c "import socket,sys; s=socket.create_connection(('::1',$PORT_SUBMISSION),2); s.settimeout(2); sys.exit(0 if s.recv(100).startswith(b'220') else 1)"
fi
wait_for "silent listener $PORT_SILENT" python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT_SILENT),2)"
wait_for "broken STARTTLS port $PORT_BROKEN_TLS" banner $PORT_BROKEN_TLS
start_unbound
prove_dns

# HTTPS: what each MTA-STS/BIMI variant promises, checked with curl and the test CA.
https_get() { # host, path -> "<status> <content type>"; fails when TLS does
  curl -sS --max-time 5 --cacert "$TLS/ca.crt" --resolve "$1:443:$HTTPS_ADDRESS" -o /dev/null \
    -w '%{http_code} %{content_type}' "https://$1$2"
}
wait_for "nginx on $HTTPS_ADDRESS:443" https_get mta-sts.enforce.sts.test /.well-known/mta-sts.txt
STS=/.well-known/mta-sts.txt
expect "good MTA-STS policy is text/plain" sh -c "[ \"\$1\" = '200 text/plain' ]" _ "$(https_get mta-sts.enforce.sts.test $STS)"
expect "content-type variant is text/html" sh -c "[ \"\$1\" = '200 text/html' ]" _ "$(https_get mta-sts.content-type.sts.test $STS)"
expect "redirect variant answers 301" sh -c "[ \"\${1%% *}\" = 301 ]" _ "$(https_get mta-sts.redirect.sts.test $STS)"
expect "notfound variant answers 404" sh -c "[ \"\${1%% *}\" = 404 ]" _ "$(https_get mta-sts.notfound.sts.test $STS)"
expect "servererror variant answers 500" sh -c "[ \"\${1%% *}\" = 500 ]" _ "$(https_get mta-sts.servererror.sts.test $STS)"
expect "manyheaders variant answers with more than 100 header fields" sh -c "[ \$(curl -s -D - -o /dev/null --cacert '$TLS/ca.crt' --resolve mta-sts.manyheaders.sts.test:443:$HTTPS_ADDRESS https://mta-sts.manyheaders.sts.test$STS | grep -c :) -gt 100 ]"
expect "oversized policy is over 64 KB" sh -c "[ \$(curl -s --cacert '$TLS/ca.crt' --resolve mta-sts.oversized.sts.test:443:$HTTPS_ADDRESS https://mta-sts.oversized.sts.test$STS | wc -c) -gt 65536 ]"
expect "expired certificate is refused" sh -c "! curl -s --max-time 5 --cacert '$TLS/ca.crt' --resolve mta-sts.expired-cert.sts.test:443:$HTTPS_ADDRESS https://mta-sts.expired-cert.sts.test$STS"
expect "wrong-name certificate is refused" sh -c "! curl -s --max-time 5 --cacert '$TLS/ca.crt' --resolve mta-sts.wrong-name.sts.test:443:$HTTPS_ADDRESS https://mta-sts.wrong-name.sts.test$STS"
expect "BIMI logo is image/svg+xml" sh -c "[ \"\$1\" = '200 image/svg+xml' ]" _ "$(https_get images.bimi.test /logo.svg)"
for pem in vmc cmc vmc-other-logo; do
  expect "$pem.pem is served" sh -c "[ \"\${1%% *}\" = 200 ]" _ "$(https_get images.bimi.test /$pem.pem)"
  expect "$pem certificate verifies against the test CA and carries a logotype extension" \
    sh -c "openssl verify -CAfile '$TLS/ca.crt' -purpose any '$TLS/$pem.crt' && openssl asn1parse -in '$TLS/$pem.crt' | grep -q '1.3.6.1.5.5.7.1.12'"
done
for pem in mc-expired mc-future mc-expiring mc-noeku mc-nopolicy mc-nomarktype mc-logomark mc-otherdomain mc-nologo mc-badhash mc-untrusted; do
  expect "$pem.pem is served" sh -c "[ \"\${1%% *}\" = 200 ]" _ "$(https_get images.bimi.test /$pem.pem)"
done
expect "logo-as-text.txt is text/plain" sh -c "[ \"\$1\" = '200 text/plain' ]" _ "$(https_get images.bimi.test /logo-as-text.txt)"
expect "expiring-cert variant is served (certificate valid 7 more days)" sh -c "[ \"\$1\" = '200 text/plain' ]" _ "$(https_get mta-sts.expiring-cert.sts.test $STS)"

# DANE: one TLSA record from unbound matched by OpenSSL's own DANE code against what Postfix presents.
tlsa_rrdata() { dig_at "$RESOLVER_PORT" +short TLSA "$1" | head -1 | awk '{h=""; for (i = 4; i <= NF; i++) h = h $i; print $1, $2, $3, h}'; }
expect "DANE-EE record of ee-spki-sha256.dane.test matches the STARTTLS certificate (openssl s_client)" \
  sh -c "echo QUIT | openssl s_client -brief -starttls smtp -connect 127.0.0.1:$PORT_SUBMISSION -dane_tlsa_domain ee-spki-sha256.dane.test -dane_ee_no_namechecks -dane_tlsa_rrdata \"\$1\" 2>&1 | grep -q 'Verification: OK'" \
  _ "$(tlsa_rrdata _$PORT_SUBMISSION._tcp.ee-spki-sha256.dane.test)"
log "all servers up; settings in $RUN/servers.env"
