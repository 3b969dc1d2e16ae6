#!/usr/bin/env bash
# Stops what start-servers.sh started (it calls this itself before starting afresh).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$HERE/run"
[ -f "$RUN/postfix/conf/main.cf" ] && postfix -c "$RUN/postfix/conf" stop >/dev/null 2>&1
[ -f "$RUN/dovecot/dovecot.conf" ] && doveadm -c "$RUN/dovecot/dovecot.conf" stop >/dev/null 2>&1
[ -S "$RUN/knot/knot.sock" ] && knotc -s "$RUN/knot/knot.sock" stop >/dev/null 2>&1
[ -f "$RUN/https/nginx.pid" ] && nginx -c "$RUN/https/nginx.conf" -p "$RUN/https" -s quit >/dev/null 2>&1
for f in "$RUN/smtp-sink.pid" "$RUN/silent.pid" "$RUN/broken-tls.pid" "$RUN/knot/knot.pid" "$RUN/unbound/unbound.pid" "$RUN/https/nginx.pid"; do
  [ -f "$f" ] && kill "$(cat "$f")" >/dev/null 2>&1
done
sleep 0.3
exit 0
