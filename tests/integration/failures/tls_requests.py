#!/usr/bin/env python3
"""The HTTP requests a traced process sent to 127.0.0.1:PORT, found in its
own system calls even over TLS: which trace line each request's first byte
left in.

  tls_requests.py TRACE KEYLOG PORT

TRACE is `strace -f -x -s 1048576 -e trace=connect,sendto,write,...` output,
KEYLOG the TLS secrets libcurl wrote there (SSLKEYLOGFILE, NSS key log
format). For each socket connected to the port, the bytes the process sent
are put back together (partial sends counted by their return value); TLS 1.3
records are decrypted with the client's handshake and traffic secrets
(RFC 8446 §7: HKDF-Expand-Label "key"/"iv", the record header as additional
data); the plaintext is HTTP/1.1 (request lines) or HTTP/2 (frames: a
request is a HEADERS frame opening a stream; it has a body when DATA frames
follow on that stream). Plain-HTTP connections are read as they are.

Prints one JSON object per request, in the order sent:
  {"line": N, "fd": FD, "proto": "http/1.1"|"h2", "request": "PATCH /path"
   (HTTP/1.1 only), "stream": S (h2 only), "body": true|false}
N is the 0-based line of TRACE whose call sent the request's first byte.
Exits 1 naming what it could not read (a truncated string, a TLS version or
cipher it does not know, a record no secret opens).
"""
import hashlib
import hmac
import json
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def die(msg):
    sys.exit("tls_requests.py: " + msg)


def unescape(s):
    """A string as strace -x prints it."""
    out, i = bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "\\": 92, '"': 34}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("latin-1")
            i += 1
        elif s[i + 1] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif s[i + 1] in simple:
            out.append(simple[s[i + 1]])
            i += 2
        else:
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
    return bytes(out)


def hkdf_expand_label(secret, label, length, hash_name):
    info = struct.pack(">H", length) + bytes([6 + len(label)]) + b"tls13 " + label + b"\x00"
    out, block, n = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([n]), hash_name).digest()
        out += block
        n += 1
    return out[:length]


class Keys:
    """One direction's record protection under one traffic secret."""

    def __init__(self, secret):
        self.ciphers = []
        if len(secret) == 48:
            self.ciphers.append((AESGCM, "sha384", 32))
        elif len(secret) == 32:
            self.ciphers += [(AESGCM, "sha256", 16), (ChaCha20Poly1305, "sha256", 32)]
        else:
            die("a traffic secret of %d bytes: not a TLS 1.3 cipher suite known here" % len(secret))
        self.secret, self.seq, self.aead, self.iv = secret, 0, None, None

    def open(self, header, body):
        options = [(self.aead, self.iv)] if self.aead else [
            (cls(hkdf_expand_label(self.secret, b"key", klen, h)),
             hkdf_expand_label(self.secret, b"iv", 12, h)) for cls, h, klen in self.ciphers]
        for aead, iv in options:
            nonce = bytes(a ^ b for a, b in zip(iv, self.seq.to_bytes(12, "big")))
            try:
                plain = aead.decrypt(nonce, body, header)
            except Exception:
                continue
            self.aead, self.iv = aead, iv
            self.seq += 1
            plain = plain.rstrip(b"\x00")
            return plain[-1], plain[:-1]
        return None


class Connection:
    def __init__(self, fd, secrets):
        self.fd, self.secrets = fd, secrets
        self.raw = b""            # sent, not yet a whole record
        self.consumed = 0         # bytes sent before raw
        self.sends = []           # (offset in all bytes sent, trace line) of each send
        self.plain = b""          # application data, in order
        self.plain_line = []      # (offset in plain, trace line of its record's first byte)
        self.tls = None           # None: not known yet; False: plain HTTP
        self.keys = None
        self.random = None
        self.requests = []

    def sent(self, line, data):
        if self.tls is None:
            self.tls = data[:1] == b"\x16"
        if not self.tls:
            self.plain_line.append((len(self.plain), line))
            self.plain += data
            return
        self.sends.append((self.consumed + len(self.raw), line))
        self.raw += data
        while len(self.raw) >= 5:
            length = struct.unpack(">H", self.raw[3:5])[0]
            if len(self.raw) < 5 + length:
                break
            first = max(l for off, l in self.sends if off <= self.consumed)
            self.record(first, self.raw[:5], self.raw[5:5 + length])
            self.raw = self.raw[5 + length:]
            self.consumed += 5 + length

    def record(self, line, header, body):
        kind = header[0]
        if kind == 0x16 and self.keys is None and self.random is None:
            if body[0] != 1:
                die("fd %d: the first record is not a ClientHello" % self.fd)
            self.random = body[6:38].hex()
            hs = self.secrets.get(("CLIENT_HANDSHAKE_TRAFFIC_SECRET", self.random))
            if not hs:
                die("fd %d: no TLS 1.3 handshake secret in the key log for client random %s"
                    " (TLS 1.2, or SSLKEYLOGFILE not honoured)" % (self.fd, self.random))
            self.keys = Keys(hs)
            return
        if kind == 0x14:   # change_cipher_spec, for middleboxes
            return
        if kind != 0x17 or self.keys is None:
            die("fd %d: an unexpected TLS record of type %d" % (self.fd, kind))
        opened = self.keys.open(header, body)
        if opened is None:
            die("fd %d: a record no secret of the key log opens" % self.fd)
        inner, data = opened
        if inner == 0x16 and data[:1] == b"\x14":   # the client's Finished
            app = self.secrets.get(("CLIENT_TRAFFIC_SECRET_0", self.random))
            if not app:
                die("fd %d: no CLIENT_TRAFFIC_SECRET_0 in the key log" % self.fd)
            self.keys = Keys(app)
        elif inner == 0x17:
            self.plain_line.append((len(self.plain), line))
            self.plain += data
        elif inner != 0x15 and inner != 0x16:
            die("fd %d: an inner record type %d" % (self.fd, inner))

    def line_of(self, offset):
        return max(l for off, l in self.plain_line if off <= offset)

    def parse(self):
        if self.plain.startswith(PREFACE):
            self.parse_h2()
        else:
            for m in re.finditer(rb"(?:^|\r\n\r\n)([A-Z]+ [^ \r\n]+) HTTP/1\.1\r\n", self.plain):
                start = m.start(1)
                self.requests.append({"line": self.line_of(start), "fd": self.fd,
                                      "proto": "http/1.1",
                                      "request": m.group(1).decode("latin-1")})

    def parse_h2(self):
        pos, streams = len(PREFACE), {}
        while pos + 9 <= len(self.plain):
            length = int.from_bytes(self.plain[pos:pos + 3], "big")
            ftype, stream = self.plain[pos + 3], int.from_bytes(self.plain[pos + 5:pos + 9], "big") & 0x7fffffff
            if ftype == 1 and stream not in streams:
                streams[stream] = {"line": self.line_of(pos), "fd": self.fd, "proto": "h2",
                                   "stream": stream, "body": False}
                self.requests.append(streams[stream])
            elif ftype == 0 and stream in streams and length > 0:
                streams[stream]["body"] = True
            pos += 9 + length


def main():
    trace, keylog, port = sys.argv[1], sys.argv[2], sys.argv[3]
    secrets = {}
    for line in open(keylog):
        parts = line.split()
        if len(parts) == 3:
            secrets[(parts[0], parts[1].lower())] = bytes.fromhex(parts[2])
    conns, done = {}, []
    connect = re.compile(r'connect\((\d+), \{sa_family=AF_INET, sin_port=htons\((\d+)\), '
                         r'sin_addr=inet_addr\("127\.0\.0\.1"\)')
    send = re.compile(r'\b(?:sendto|write)\((\d+), "((?:[^"\\]|\\.)*)"(\.\.\.)?, (\d+).*\) += (-?\d+)')
    for i, line in enumerate(open(trace)):
        m = connect.search(line)
        if m:
            fd = int(m.group(1))
            if fd in conns:
                done.append(conns.pop(fd))
            if m.group(2) == port:
                conns[fd] = Connection(fd, secrets)
            continue
        m = send.search(line)
        if not m or int(m.group(1)) not in conns:
            continue
        if m.group(3):
            die("line %d: strace cut the string short (raise -s)" % (i + 1))
        sent = int(m.group(5))
        if sent > 0:
            conns[int(m.group(1))].sent(i, unescape(m.group(2))[:sent])
    done += conns.values()
    requests = []
    for c in done:
        c.parse()
        requests += c.requests
    for r in sorted(requests, key=lambda r: r["line"]):
        print(json.dumps(r))


if __name__ == "__main__":
    main()
