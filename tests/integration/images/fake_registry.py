#!/usr/bin/env python3
"""A tiny registry for what Debian's docker-registry will not do on request.

  --mode media    every manifest has an unknown media type
  --mode loop     the tags list's Link header leads back to its first page
  --mode bearer   the bearer-token flow: /v2/ answers 401 with a Bearer
                  challenge whose realm is /token here; /token wants the
                  basic credentials given with --user; each token request
                  is appended to --token-log

Prints "listening on PORT" once it accepts connections.
"""
import argparse
import base64
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "t0k3n-for-the-test"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def manifest_body():
    return json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + hashlib.sha256(config_body()).hexdigest(),
                   "size": len(config_body())},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + "a" * 64, "size": 4242}],
    }).encode()


def config_body():
    return b'{"created":"2024-05-01T12:00:00Z","os":"linux","architecture":"amd64"}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", ctype="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def authorised(self):
        if self.server.mode != "bearer":
            return True
        if self.headers.get("Authorization") == "Bearer " + TOKEN:
            return True
        port = self.server.server_address[1]
        self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                  headers={"WWW-Authenticate":
                           'Bearer realm="http://127.0.0.1:%d/token",service="fake-registry"'
                           % port})
        return False

    def token(self, url):
        with open(self.server.token_log, "a") as f:
            f.write(url.query + "\n")
        want = "Basic " + base64.b64encode(self.server.user.encode()).decode()
        if self.headers.get("Authorization") != want:
            self.send(401, b'{"details":"wrong credentials"}')
            return
        self.send(200, json.dumps({"token": TOKEN, "expires_in": 300}).encode())

    def tags(self, url):
        q = parse_qs(url.query)
        if self.server.mode == "loop":
            if "last" in q:
                # the second page says the next one is the first again
                self.send(200, b'{"name":"app","tags":["c","d"]}',
                          headers={"Link": '</v2/app/tags/list?n=100>; rel="next"'})
            else:
                self.send(200, b'{"name":"app","tags":["a","b"]}',
                          headers={"Link": '</v2/app/tags/list?n=100&last=b>; rel="next"'})
            return
        if self.server.mode == "bearer" and "last" not in q:
            self.send(200, b'{"name":"app","tags":["1234567-1"]}',
                      headers={"Link": '</v2/app/tags/list?n=100&last=1234567-1>; rel="next"'})
            return
        if self.server.mode == "bearer":
            self.send(200, b'{"name":"app","tags":["1234567-2","latest"]}')
            return
        self.send(200, b'{"name":"app","tags":["1234567-1"]}')

    def manifest(self):
        if self.server.mode == "media":
            body = b'{"schemaVersion":2,"mediaType":"application/vnd.example.unknown+json"}'
            ctype = "application/vnd.example.unknown+json"
        else:
            body, ctype = manifest_body(), OCI_MANIFEST
        self.send(200, body, ctype=ctype,
                  headers={"Docker-Content-Digest": "sha256:" + hashlib.sha256(body).hexdigest()})

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/token":
            self.token(url)
            return
        if not self.authorised():
            return
        if url.path == "/v2/":
            self.send(200, b"{}")
        elif url.path == "/v2/app/tags/list":
            self.tags(url)
        elif url.path.startswith("/v2/app/manifests/"):
            self.manifest()
        elif url.path.startswith("/v2/app/blobs/"):
            self.send(200, config_body())
        else:
            self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')

    do_HEAD = do_GET


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--mode", choices=["media", "loop", "bearer"], required=True)
    p.add_argument("--user", default="user:pass")
    p.add_argument("--token-log", default="/dev/null")
    a = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.mode, srv.user, srv.token_log = a.mode, a.user, a.token_log
    print("listening on %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
