#!/usr/bin/env python3
"""A Prometheus HTTP API with fixed answers, for what a real one will not do
on request: the same numbers every run (a screen golden), or an error.

  --mode fixed   query_range answers the default queries of .shipdeck.yml with
                 fixed series per deployment: APP-canary serves 20% errors at
                 ~0.49 s p99, everything else 100% at ~12 ms
  --mode error   every query is refused as Prometheus refuses bad PromQL
                 (HTTP 400, errorType bad_data)
  --mode few     a healthy canary with only two samples (100%, ~12 ms) against
                 a stable's eleven: too few to judge

Prints "listening on PORT" once it accepts connections.
"""
import argparse
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CANARY_SUCCESS = [0.8, 0.6, 0.8, 1, 0.8, 0.8, 1, 0.6, 0.8, 1, 0.8]
CANARY_P99 = [0.48, 0.49, 0.49, 0.5, 0.48, 0.49, 0.47, 0.49, 0.5, 0.49, 0.48]
STABLE_P99 = [0.012, 0.011, 0.013, 0.012, 0.014, 0.012, 0.011, 0.012, 0.013, 0.012, 0.011]


def series(query):
    deploy = re.search(r'deployment="([^"]*)"', query)
    canary = deploy is not None and deploy.group(1).endswith("-canary")
    if "histogram_quantile" in query:
        return CANARY_P99 if canary else STABLE_P99
    return CANARY_SUCCESS if canary else [1] * len(CANARY_SUCCESS)


class Handler(BaseHTTPRequestHandler):
    mode = "fixed"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if self.mode == "error":
            self.answer(400, {"status": "error", "errorType": "bad_data",
                              "error": "invalid parameter \"query\": 1:1: parse error: "
                                       "unexpected identifier \"broken\""})
            return
        if url.path != "/api/v1/query_range":
            self.answer(404, {"status": "error", "errorType": "not_found", "error": url.path})
            return
        values = series(q.get("query", ""))
        if self.mode == "few":
            query = q.get("query", "")
            values = STABLE_P99 if "histogram_quantile" in query else [1] * len(CANARY_SUCCESS)
            if re.search(r'deployment="[^"]*-canary"', query):
                values = values[-2:]
        end, step = float(q.get("end", "0")), float(q.get("step", "1"))
        n = len(values)
        start = end - step * (n - 1)
        points = [[start + i * step, repr(float(v))] for i, v in enumerate(values)]
        self.answer(200, {"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {}, "values": points}]}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mode", choices=["fixed", "error", "few"], default="fixed")
    args = ap.parse_args()
    Handler.mode = args.mode
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
