#!/usr/bin/env python3
"""A misbehaving Kubernetes API server for the failure tests: a proxy in
front of a real shipdeck-sandbox (plain HTTP) that passes everything through
until told to break, on a control port, in one of these ways:

  POST /close-mid-event   the next watch event is cut in half, then the
                          connection is dropped (no last chunk)
  POST /truncated-chunk   the next watch event goes out in a chunk that
                          promises more bytes than it holds, then the
                          connection is dropped
  POST /garbage           a line of garbage goes out before the next event
  POST /stall             the next watch event and everything after it on that
                          stream is held back: the connection stays open, silent
  POST /status/CODE/S     every request for S seconds is answered CODE with a
                          Status body (and Retry-After: 2 for 429) whose message
                          holds terminal escapes; open watches end
  POST /down              every connection is closed and the port stops
                          accepting; POST /up listens again on the same port
  POST /hold-write        the next request that is not a GET or HEAD is
                          logged (fault "hold-write") the moment it arrives,
                          after --snapshot SRC:DST copied SRC (what a file held
                          then) to DST; it is passed on, and its answer is
                          held back until the client goes away
  POST /drop-writes/S     for S seconds, requests that are not a GET or HEAD
                          are not passed on: their connections are closed
                          unanswered (libcurl's own retry on a fresh
                          connection meets the same)

Every request is logged as one JSON line (start, time, method, path, query,
status, fault; a stream's time is when it ended) to --log.

In front of a TLS server (the upstream control plane's kube-apiserver) it
speaks TLS on both sides: --upstream-ca CA verifies the server, --tls-cert
and --tls-key are what it shows its own clients. Requests, the client's
bearer token included, pass through unchanged.

  fault_proxy.py --upstream PORT --port-file F --control-port-file F --log F
                 [--snapshot SRC:DST] [--upstream-ca CA --tls-cert C --tls-key K]
"""
import argparse
import json
import os
import socket
import ssl
import threading
import time
import http.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

lock = threading.Lock()
state = {"fault": None, "status": None, "status_until": 0, "generation": 0, "down": False,
         "drop_until": 0}
connections = set()
args = None


def log(start, method, target, status, fault):
    parts = urlsplit(target)
    with lock, open(args.log, "a") as f:
        f.write(json.dumps({"start": start, "time": time.time(), "method": method,
                            "path": parts.path,
                            "query": parts.query, "status": status, "fault": fault}) + "\n")


def upstream_connection():
    """A connection to the server behind, verified against --upstream-ca when
    it speaks TLS."""
    if args.upstream_ca:
        ctx = ssl.create_default_context(cafile=args.upstream_ca)
        return http.client.HTTPSConnection("127.0.0.1", args.upstream, timeout=600, context=ctx)
    return http.client.HTTPConnection("127.0.0.1", args.upstream, timeout=600)


def take_fault(kinds):
    with lock:
        if state["fault"] in kinds:
            fault, state["fault"] = state["fault"], None
            return fault
    return None


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.settimeout(10)
            self.connection.do_handshake()
            self.connection.settimeout(None)
        with lock:
            connections.add(self.connection)

    def finish(self):
        with lock:
            connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self):
        with lock:
            down = state["down"]
        if down:
            self.drop()
            return
        self.forward()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def refuse(self, code):
        # the message carries what a hostile server could send to a terminal:
        # OSC 52 (clipboard), a clear screen and cursor move, a C1 CSI, a
        # bidi override; in both a Kubernetes Status and a registry's errors
        message = ("injected failure %d \x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[Hcleared"
                   " \u009b31mc1 \u202eevil" % code)
        body = json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                           "status": "Failure", "message": message,
                           "reason": "TooManyRequests" if code == 429 else "InternalError",
                           "code": code,
                           "errors": [{"code": "UNKNOWN", "message": message}]}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if code == 429:
            self.send_header("Retry-After", "2")
        self.end_headers()
        self.wfile.write(body)
        log(time.time(), self.command, self.path, code, "status")

    def hold(self, body):
        if args.snapshot:
            src, dst = args.snapshot.split(":", 1)
            try:
                with open(src, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
            with open(dst + ".tmp", "wb") as f:
                f.write(data)
            os.rename(dst + ".tmp", dst)
        log(time.time(), self.command, self.path, 0, "hold-write")
        up = upstream_connection()
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        up.request(self.command, self.path, body=body, headers=headers)
        up.getresponse().read()
        up.close()
        # the change is made; its answer never leaves while the client lives
        try:
            while self.connection.recv(1024):
                pass
        except OSError:
            pass
        self.close_connection = True

    def forward(self):
        start = time.time()
        with lock:
            code = state["status"] if start < state["status_until"] else None
        if code:
            self.refuse(code)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        write = self.command not in ("GET", "HEAD")
        if write and take_fault(("hold-write",)):
            self.hold(body)
            return
        with lock:
            dropping = start < state["drop_until"]
        if write and dropping:
            log(start, self.command, self.path, 0, "drop-writes")
            self.drop()
            return
        up = upstream_connection()
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        up.request(self.command, self.path, body=body, headers=headers)
        resp = up.getresponse()
        query = parse_qs(urlsplit(self.path).query)
        if query.get("watch", [""])[0] in ("true", "1") and resp.status == 200:
            self.stream(resp, start)
        else:
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "content-length",
                                     "date", "server"):
                    self.send_header(k, v)
            # a HEAD answer tells the length of the body it leaves out
            self.send_header("Content-Length", resp.getheader("Content-Length", "0")
                             if self.command == "HEAD" else str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            log(start, self.command, self.path, resp.status, None)
        up.close()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def stream(self, resp, start):
        self.send_response(200)
        self.send_header("Content-Type", resp.getheader("Content-Type", "application/json"))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        with lock:
            generation = state["generation"]
        fault = applied = None
        try:
            while True:
                line = resp.readline()
                if not line:
                    break
                with lock:
                    ended = state["generation"] != generation
                if ended:
                    break
                fault = take_fault(("close-mid-event", "truncated-chunk", "garbage", "stall"))
                applied = fault or applied
                if fault == "close-mid-event":
                    self.chunk(line[: len(line) // 2])
                    self.drop()
                    break
                if fault == "truncated-chunk":
                    self.wfile.write(b"%x\r\n%s" % (len(line) + 100, line[: len(line) // 2]))
                    self.wfile.flush()
                    self.drop()
                    break
                if fault == "garbage":
                    self.chunk(b"}{ not json \x1b[2J\n")
                if fault == "stall":
                    # hold the line open without a byte until the client gives up
                    while self.connection.recv(1024):
                        pass
                    break
                self.chunk(line)
            if not self.close_connection:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except OSError:
            self.close_connection = True
        log(start, self.command, self.path, 200, applied)


class Control(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        with lock:
            if parts[0] == "status":
                state["status"] = int(parts[1])
                state["status_until"] = time.time() + float(parts[2])
                state["generation"] += 1      # open watches end: clients must ask again
            elif parts[0] == "drop-writes":
                state["drop_until"] = time.time() + float(parts[1])
            elif parts[0] in ("down", "up"):
                pass
            else:
                state["fault"] = parts[0]
        if parts[0] == "down":
            server.go_down()
        elif parts[0] == "up":
            server.go_up()
        self.send_response(204)
        self.end_headers()


class Server:
    def __init__(self, port):
        self.port = port
        self.httpd = None
        self.go_up()

    def go_up(self):
        with lock:
            state["down"] = False
        ThreadingHTTPServer.allow_reuse_address = True
        ThreadingHTTPServer.daemon_threads = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Proxy)
        if args.tls_cert:
            # the handshake in the handler's thread, not in accept()
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(args.tls_cert, args.tls_key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True,
                                                do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def go_down(self):
        httpd, self.httpd = self.httpd, None
        httpd.shutdown()
        httpd.server_close()
        with lock:
            state["down"] = True
            state["generation"] += 1
            for conn in list(connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def main():
    global args, server
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--control-port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--snapshot", help="SRC:DST, copied when a held write arrives")
    p.add_argument("--upstream-ca", help="the server behind speaks TLS: its CA")
    p.add_argument("--tls-cert", help="speak TLS to clients with this certificate")
    p.add_argument("--tls-key")
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    server = Server(0)
    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.port))
    with open(args.control_port_file, "w") as f:
        f.write(str(control.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    control.serve_forever()


if __name__ == "__main__":
    main()
