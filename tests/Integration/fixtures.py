#!/usr/bin/env python3
"""Fixtures that start-servers.sh can only make at start, because they depend on what it generates then
(certificates, keys, ports, the HTTPS address). Standard library only.

  fixtures.py render-zones SRC_DIR DST_DIR NAME=VALUE...
      Copies every SRC_DIR/<zone>.zone to DST_DIR, filling in
        {{NAME}}                          a value given on the command line (HTTPS_ADDRESS, PORT_SUBMISSION, ...)
        @tlsa OWNER USAGE SELECTOR MTYPE CERT
                                          TLSA records for OWNER at _25._tcp and at _<port>._tcp for every port in
                                          TLSA_PORTS, computed from the certificate file given as CERT_<CERT>
                                          (RFC 6698 2.1: selector 0 = whole certificate, 1 = SubjectPublicKeyInfo;
                                          matching type 0 = exact, 1 = SHA-256, 2 = SHA-512).
  fixtures.py logotype SVG_FILE OUT_FILE
      Writes, as hex, the DER of an RFC 3709 LogotypeExtn whose subject logo is SVG_FILE embedded the way mark
      certificates (VMC/CMC) carry it: gzip-compressed, in a data:image/svg+xml;base64, URI (RFC 6170 / RFC 2397),
      with its SHA-256 hash.
  fixtures.py logotype-badhash SVG_FILE OUT_FILE
      The same, but the hash given for the logo is not the hash of the embedded data (RFC 3709 logotypeHash).
  fixtures.py oversized-policy FILE
      Writes a syntactically valid MTA-STS policy larger than the 64 KB that RFC 8461 3.3 lets senders cap at.
  fixtures.py big-svg FILE
      Writes an SVG Tiny PS logo larger than the 32 KB BIMI recommends.
Several commands can be given at once, separated by "+" (one interpreter start instead of several).
"""
import base64
import gzip
import hashlib
import os
import re
import ssl
import sys


def _read_tlv(data, pos):
    """(tag, start of content, end of content) of the DER element at pos."""
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def _der_of(cert_file, selector):
    with open(cert_file) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    if selector == 0:
        return der
    # Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
    # validity, subject, subjectPublicKeyInfo, ... } ... } (RFC 5280 4.1)
    _, pos, _ = _read_tlv(der, 0)
    _, pos, _ = _read_tlv(der, pos)
    if der[pos] == 0xA0:
        pos = _read_tlv(der, pos)[2]
    for _ in range(5):
        pos = _read_tlv(der, pos)[2]
    _, start, end = _read_tlv(der, pos)
    return der[pos:end]


def tlsa_data(cert_file, selector, mtype):
    data = _der_of(cert_file, selector)
    if mtype == 1:
        data = hashlib.sha256(data).digest()
    elif mtype == 2:
        data = hashlib.sha512(data).digest()
    return data.hex().upper()


def render_zones(src, dst, values):
    ports = ["25"] + [p for p in values.get("TLSA_PORTS", "").split(",") if p]
    cache = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith(".zone"):
            continue
        out = []
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = re.match(r"^@tlsa\s+(\S+)\s+(\d)\s+(\d)\s+(\d)\s+(\S+)\s*(;.*)?$", line)
                if m:
                    owner, usage, selector, mtype, cert = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5)
                    cert_file = values.get("CERT_" + cert.upper())
                    if not cert_file:
                        sys.exit(f"{name}:{lineno}: no certificate CERT_{cert.upper()} given")
                    key = (cert_file, selector, mtype)
                    if key not in cache:
                        cache[key] = tlsa_data(cert_file, selector, mtype)
                    for port in ports:
                        out.append(f"_{port}._tcp.{owner}\tIN TLSA {usage} {selector} {mtype} {cache[key]}\n")
                    continue

                def fill(match):
                    key = match.group(1)
                    if key not in values:
                        sys.exit(f"{name}:{lineno}: no value for {{{{{key}}}}}")
                    return values[key]
                out.append(re.sub(r"\{\{([A-Z0-9_]+)\}\}", fill, line))
        with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
            f.writelines(out)


# --- a minimal DER writer, enough for the logotype extension ------------------------------------------------------
def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, content):
    return bytes([tag]) + _len(len(content)) + content


def _seq(*items):
    return _tlv(0x30, b"".join(items))


def _oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, body)


def logotype(svg_file, wrong_hash=False):
    with open(svg_file, "rb") as f:
        svg = f.read()
    # mtime=0 keeps the compressed bytes (and so the certificate) the same for the same SVG.
    compressed = gzip.compress(svg, compresslevel=9, mtime=0)
    uri = b"data:image/svg+xml;base64," + base64.b64encode(compressed)
    sha256 = _seq(_oid("2.16.840.1.101.3.4.2.1"), _tlv(0x05, b""))
    details = _seq(_tlv(0x16, b"image/svg+xml"),                                    # mediaType IA5String
                   _seq(_seq(sha256, _tlv(0x04, hashlib.sha256(compressed + (b"x" if wrong_hash else b"")).digest()))),  # logotypeHash
                   _seq(_tlv(0x16, uri)))                                            # logotypeURI
    image = _seq(details)                                 # LogotypeImage (no imageInfo)
    data = _tlv(0xA0, _seq(image))                        # direct [0] LogotypeData (IMPLICIT) { image SEQUENCE OF }
    return _seq(_tlv(0xA2, data)).hex()                   # LogotypeExtn { subjectLogo [2] EXPLICIT LogotypeInfo }


def oversized_policy(path):
    lines = ["version: STSv1", "mode: enforce", "max_age: 86400", "mx: mx1.mail.test"]
    n = 0
    while sum(len(l) + 2 for l in lines) <= 70 * 1024:
        lines.append(f"mx: mx{n:05d}.padding.mail.test")
        n += 1
    with open(path, "w", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


def big_svg(path):
    shapes = "".join(f'<circle cx="{(i * 7) % 100}" cy="{(i * 13) % 100}" r="{1 + i % 5}" fill="#{(i * 2654435761) & 0xFFFFFF:06x}"/>\n'
                     for i in range(900))
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<svg version="1.2" baseProfile="tiny-ps" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">\n'
                '<title>SmtpTools Test Oversized</title>\n' + shapes + '</svg>\n')


def run(argv):
    if len(argv) >= 3 and argv[0] == "render-zones":
        render_zones(argv[1], argv[2], dict(a.split("=", 1) for a in argv[3:]))
    elif len(argv) == 3 and argv[0] in ("logotype", "logotype-badhash"):
        with open(argv[2], "w") as f:
            f.write(logotype(argv[1], wrong_hash=argv[0] == "logotype-badhash"))
    elif len(argv) == 2 and argv[0] == "oversized-policy":
        oversized_policy(argv[1])
    elif len(argv) == 2 and argv[0] == "big-svg":
        big_svg(argv[1])
    else:
        sys.exit(__doc__)


def main(argv):
    command = []
    for arg in argv + ["+"]:
        if arg == "+":
            run(command)
            command = []
        else:
            command.append(arg)


if __name__ == "__main__":
    main(sys.argv[1:])
