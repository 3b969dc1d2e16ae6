#!/usr/bin/python3
"""dkimpy as an independent DKIM peer for the interop tests.

  dkimpy_tool.py verify --dns 127.0.0.1:PORT  < message    exit 0 when every DKIM-Signature verifies
  dkimpy_tool.py sign --key FILE --domain D --selector S [--ed25519] < message > signed message

dkimpy's default resolver cannot be pointed at a port, so its dnsfunc hook gets a dnspython resolver
aimed at the tests' authoritative server only.
"""
import argparse
import sys

import dkim
import dns.resolver


def make_dnsfunc(server):
    host, _, port = server.rpartition(':')
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host.strip('[]')]
    resolver.port = int(port)

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode('ascii')
        try:
            answer = resolver.resolve(name, 'TXT', lifetime=timeout, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return None
        for rrset in answer.response.answer:
            if rrset.rdtype == dns.rdatatype.TXT:
                return b''.join(list(rrset.items)[0].strings)
        return None
    return dnsfunc


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    v = sub.add_parser('verify')
    v.add_argument('--dns', required=True)
    s = sub.add_parser('sign')
    s.add_argument('--key', required=True)
    s.add_argument('--domain', required=True)
    s.add_argument('--selector', required=True)
    s.add_argument('--ed25519', action='store_true')
    args = parser.parse_args()
    message = sys.stdin.buffer.read()

    if args.command == 'verify':
        d = dkim.DKIM(message, minkey=1024)
        count = len([h for h in d.headers if h[0].lower() == b'dkim-signature'])
        if count == 0:
            print('no DKIM-Signature')
            return 1
        ok = True
        dnsfunc = make_dnsfunc(args.dns)
        for i in range(count):
            result = d.verify(idx=i, dnsfunc=dnsfunc)
            print('signature %d: %s' % (i, 'pass' if result else 'fail'))
            ok = ok and result
        return 0 if ok else 1

    with open(args.key, 'rb') as f:
        key = f.read()
    algorithm = b'ed25519-sha256' if args.ed25519 else b'rsa-sha256'
    signature = dkim.sign(message, args.selector.encode(), args.domain.encode(), key,
                          signature_algorithm=algorithm, include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
    sys.stdout.buffer.write(signature + message)
    return 0


if __name__ == '__main__':
    sys.exit(main())
