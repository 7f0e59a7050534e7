#!/usr/bin/env python3
"""GitHub's behaviours in front of a real Gitea, for the github backend's
tests: Gitea serves the Actions data; this proxy adds what GitHub does and
Gitea does not (docs.github.com/rest: "conditional requests", "rate limits",
"download job logs for a workflow run"):

  - an ETag on every 200 of .../actions/runs (a hash of Gitea's body), and
    304 Not Modified without a body when If-None-Match matches it
  - X-RateLimit-Limit/-Remaining/-Reset on every API answer; while the file
    --mode holds "ratelimit", every API request is answered 403 with
    X-RateLimit-Remaining: 0 and a reset an hour away, GitHub's message
  - a job's log (.../actions/jobs/N/logs) answered 302 to another host name
    (localhost instead of 127.0.0.1), where the log is served without a
    token (the proxy fetches it from Gitea with its own, --token), as
    GitHub's signed log URLs are
  - --per-page N asks Gitea for pages of N (its `limit`; it ignores
    per_page), so that it paginates a few runs and sends its own Link header

Every request is logged as one JSON line to --log: method, path (with the
query), if_none_match, authorization (present or not: the token never goes
to the log), host and status.

  actions_proxy.py --upstream URL --token T --port-file F --log F --mode F
                   [--per-page N]
"""
import argparse
import hashlib
import http.client
import http.server
import json
import re
import threading
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--per-page", type=int, default=0)
    a = ap.parse_args()
    up = urllib.parse.urlsplit(a.upstream)
    lock = threading.Lock()

    def log(entry):
        with lock, open(a.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def mode():
        try:
            with open(a.mode) as f:
                return f.read().strip()
        except OSError:
            return ""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, headers, body):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
            log({"method": self.command, "path": self.path,
                 "if_none_match": self.headers.get("If-None-Match"),
                 "authorization": bool(self.headers.get("Authorization")),
                 "host": self.headers.get("Host"), "status": status})

        def upstream(self, method, path, auth, body=None):
            c = http.client.HTTPConnection(up.hostname, up.port, timeout=10)
            headers = {"Accept": "application/json"}
            if auth:
                headers["Authorization"] = auth
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            # Gitea's Link names its own ROOT_URL; behind a proxy that is the
            # proxy's address (as a reverse proxy's ROOT_URL would be)
            here = "http://" + (self.headers.get("Host") or "")
            keep = [(k, v.replace(a.upstream.rstrip("/"), here) if k.lower() == "link" else v)
                    for k, v in r.getheaders()
                    if k.lower() in ("content-type", "link", "location")]
            c.close()
            return r.status, keep, data

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            path = self.path
            m = re.match(r"^/_log/(.+)$", path)
            if m:
                status, headers, data = self.upstream(
                    "GET", urllib.parse.unquote(m.group(1)), "token " + a.token)
                return self.answer(status, headers, data)
            reset = str(int(time.time()) + 3600)
            limits = [("X-RateLimit-Limit", "5000"), ("X-RateLimit-Reset", reset)]
            if mode() == "ratelimit":
                return self.answer(403, limits + [("X-RateLimit-Remaining", "0"),
                                                  ("Content-Type", "application/json")],
                                   b'{"message":"API rate limit exceeded for user.",'
                                   b'"documentation_url":"https://docs.github.com/rest"}')
            limits.append(("X-RateLimit-Remaining", "4999"))
            if re.search(r"/actions/jobs/\d+/logs$", path):
                here = self.headers.get("Host", "").replace("127.0.0.1", "localhost")
                return self.answer(302, limits + [
                    ("Location", "http://%s/_log/%s" % (here, urllib.parse.quote(path, safe="")))],
                    b"")
            if a.per_page:
                # Gitea's page size is `limit` (it ignores GitHub's per_page)
                path = re.sub(r"per_page=\d+", "limit=%d" % a.per_page, path)
            status, headers, data = self.upstream(self.command, path,
                                                  self.headers.get("Authorization"), body)
            headers += limits
            if status == 200 and "/actions/runs" in path and self.command == "GET":
                etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
                if self.headers.get("If-None-Match") == etag:
                    return self.answer(304, limits + [("ETag", etag)], b"")
                headers.append(("ETag", etag))
            return self.answer(status, headers, data)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_any

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(a.port_file, "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


if __name__ == "__main__":
    main()
