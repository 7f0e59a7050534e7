#!/usr/bin/env python3
"""Differential conformance scenarios for Kubernetes API servers.

  conformance.py run --kubeconfig FILE --out REPORT.json [--name LABEL]
      runs every scenario with the real kubectl and the official Python
      client against the cluster FILE names, normalises what differs from
      run to run (generated names, uids, timestamps, resourceVersions, IPs,
      ages) and writes one JSON report. Exit 1 when a scenario's own checks
      fail (those hold on any conforming cluster), 0 otherwise.

  conformance.py compare A.json B.json [--known FILE]
      lists every difference between two reports, one per line, each marked
      "known: REASON" when a pattern of FILE (lines "REGEX<TAB>REASON")
      matches its key. Exit 1 when an unexplained difference remains.

A step's key is "scenario/step"; its value is what the step produced
(exit status, normalised output or a value read through the API).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

# One kubectl for every cluster: /usr/bin/kubectl may be a dispatcher that
# picks a version by the server's, and the reports must differ only by the
# server.
KUBECTL = os.environ.get("CONFORMANCE_KUBECTL", "kubectl")

# ---- normalisation -------------------------------------------------------

UID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
TS = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
RV_JSON = re.compile(r'("resourceVersion"\s*:\s*)"\d+"')
RV_YAML = re.compile(r"(resourceVersion: )['\"]?\d+['\"]?")
# ReplicaSet and pod name suffixes: <deploy>-<hash>[-<5 chars>]
HASHED = re.compile(r"\b([a-z0-9]+(?:-[a-z0-9]+)*?)-([bcdfghjklmnpqrstvwxz2456789]{8,10})"
                    r"(-[bcdfghjklmnpqrstvwxz2456789]{5})?\b")
AGE = re.compile(r"(?<![\w/.-])(\d+d)?(\d+h)?(\d+m)?(\d+s)?(?![\w/.-])")
RESTARTED = re.compile(r"(kubectl\.kubernetes\.io/restartedAt: )\S+")


def age_sub(m):
    return "AGE" if m.group(0) else m.group(0)


class Norm:
    """Replaces what legitimately differs between runs and clusters."""

    def __init__(self, ns):
        self.ns = ns
        self.hashes = {}

    def hashed(self, m):
        base, h, pod = m.group(1), m.group(2), m.group(3)
        if base in ("pod-template-hash",):
            return m.group(0)
        key = base + "-" + h
        self.hashes.setdefault(key, "%s-HASH%d" % (base, len(self.hashes) + 1))
        return self.hashes[key] + ("-POD" if pod else "")

    def text(self, s):
        if s is None:
            return None
        s = s.replace(self.ns, "NS")
        s = UID.sub("UID", s)
        s = TS.sub("TIME", s)
        s = RV_JSON.sub(r'\1"RV"', s)
        s = RV_YAML.sub(r"\1RV", s)
        s = IP.sub("IP", s)
        s = RESTARTED.sub(r"\1TIME", s)
        s = re.sub(r"pod-template-hash[=:] ?\"?([a-z0-9]{8,10})\"?", "pod-template-hash=HASH", s)
        s = HASHED.sub(self.hashed, s)
        return s

    def table(self, s):
        """A `kubectl get` table: ages and durations become AGE, and runs of
        spaces one tab, so column widths do not count."""
        out = []
        for line in (s or "").splitlines():
            line = self.text(line)
            cells = re.split(r"\s{2,}", line.strip())
            cells = [AGE.sub(age_sub, c) if re.fullmatch(r"(\d+[dhms])+( ago)?|<invalid>", c)
                     else c for c in cells]
            out.append("\t".join(cells))
        return out


# ---- running -------------------------------------------------------------

class Run:
    def __init__(self, kubeconfig, ns):
        self.env = dict(os.environ)
        self.env["KUBECONFIG"] = kubeconfig
        self.cache = tempfile.mkdtemp(prefix="conformance-kcache.")
        self.env["KUBECACHEDIR"] = self.cache
        self.env["TZ"] = "UTC"
        self.ns = ns
        self.norm = Norm(ns)
        self.steps = {}
        self.failures = []
        self.scenario = ""

    def record(self, step, value):
        self.steps["%s/%s" % (self.scenario, step)] = value

    def check(self, cond, what):
        if not cond:
            self.failures.append("%s: %s" % (self.scenario, what))
        return cond

    def kubectl(self, *args, stdin=None, timeout=120, ns=True):
        cmd = [KUBECTL] + (["-n", self.ns] if ns else []) + list(args)
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                               env=self.env, timeout=timeout)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return 124, "", "timed out after %ds" % timeout

    def k(self, step, *args, stdin=None, table=False, ns=True, timeout=120, lines=False,
          last=False):
        """Runs kubectl and records exit status and normalised output: as
        table rows, sorted lines, only the last line (progress messages
        depend on timing), or the text."""
        rc, out, err = self.kubectl(*args, stdin=stdin, ns=ns, timeout=timeout)
        if last:
            value = {"rc": rc, "out": (self.norm.text(out).strip().splitlines() or [""])[-1],
                     "err": self.norm.text(err).strip()}
        elif table:
            value = {"rc": rc, "out": self.norm.table(out), "err": self.norm.text(err).strip()}
        elif lines:
            value = {"rc": rc, "out": sorted(self.norm.text(out).splitlines()),
                     "err": self.norm.text(err).strip()}
        else:
            value = {"rc": rc, "out": self.norm.text(out), "err": self.norm.text(err).strip()}
        self.record(step, value)
        return rc, out, err

    def obj(self, step, *args, ns=True):
        """kubectl get ... -o json of one object, recorded as two steps: the
        object without its status, and the status (which controllers the
        sandbox does not run write)."""
        rc, out, err = self.kubectl("get", *args, "-o", "json", ns=ns)
        try:
            o = json.loads(self.norm.text(out))
        except ValueError:
            self.record(step, {"rc": rc, "err": self.norm.text(err).strip()})
            return
        (o.get("metadata") or {}).pop("managedFields", None)
        st = o.pop("status", None)
        self.record(step, o)
        self.record(step + "-status", st)

    def wait(self, what, fn, limit=90):
        end = time.time() + limit
        while time.time() < end:
            try:
                if fn():
                    return True
            except Exception:  # noqa: BLE001 - retried until the limit
                pass
            time.sleep(0.3)
        self.check(False, "timed out waiting for " + what)
        return False


def obj_norm(run, o):
    """An API object as JSON text, normalised, without managedFields."""
    if hasattr(o, "to_dict"):
        o = run.api.sanitize_for_serialization(o)
    if isinstance(o, dict):
        o = json.loads(json.dumps(o))
        md = o.get("metadata") or {}
        md.pop("managedFields", None)
    return json.loads(run.norm.text(json.dumps(o, sort_keys=True)))


# ---- scenarios -----------------------------------------------------------

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: example/web:1.0
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web}
data: {mode: fast, level: "3"}
"""


def sc_apply(r):
    rc, _, _ = r.k("apply", "apply", "-f", "-", stdin=WEB)
    r.check(rc == 0, "apply")
    r.k("apply-again", "apply", "-f", "-", stdin=WEB)
    r.k("rollout-status", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.obj("get-deploy", "deploy", "web")
    r.k("get-svc-json", "get", "svc", "web", "-o", "json")
    r.k("get-cm-yaml", "get", "cm", "settings", "-o", "yaml")
    r.k("dry-run-server", "apply", "-f", "-", "--dry-run=server", stdin=WEB)


def sc_create(r):
    cmds = [
        ("configmap", ["create", "configmap", "c1", "--from-literal=a=b", "--from-literal=x=y"]),
        ("secret", ["create", "secret", "generic", "s1", "--from-literal=p=q"]),
        ("secret-docker", ["create", "secret", "docker-registry", "dr",
                           "--docker-server=r.example", "--docker-username=u",
                           "--docker-password=p"]),
        ("serviceaccount", ["create", "serviceaccount", "sa1"]),
        ("deployment", ["create", "deployment", "d1", "--image=example/web:1.0",
                        "--replicas=2", "--port=8080"]),
        ("job", ["create", "job", "j1", "--image=example/job:1", "--", "echo", "hi"]),
        ("cronjob", ["create", "cronjob", "cj1", "--image=example/job:1",
                     "--schedule=*/5 * * * *"]),
        ("role", ["create", "role", "r1", "--verb=get,list", "--resource=pods"]),
        ("rolebinding", ["create", "rolebinding", "rb1", "--role=r1", "--user=alice",
                         "--serviceaccount=%s:sa1" % r.ns]),
        ("service", ["create", "service", "clusterip", "s1", "--tcp=80:8080"]),
        ("ingress", ["create", "ingress", "i1", "--rule=foo.example/bar=s1:80"]),
        ("pdb", ["create", "pdb", "p1", "--selector=app=d1", "--min-available=1"]),
    ]
    for step, args in cmds:
        rc, _, err = r.k(step, *args)
        r.check(rc == 0, "kubectl %s: %s" % (" ".join(args), err.strip()))
    for kind, name in (("configmap", "c1"), ("secret", "s1"), ("secret", "dr"),
                       ("serviceaccount", "sa1"), ("job", "j1"), ("cronjob", "cj1"),
                       ("role", "r1"), ("rolebinding", "rb1"), ("service", "s1"),
                       ("ingress", "i1"), ("pdb", "p1")):
        r.obj("get-%s-%s" % (kind, name), kind, name)
    r.k("create-existing", "create", "configmap", "c1")
    # a Service with more than one port must name each, uniquely (the real
    # apiserver's ValidateService); both are refused with the field named
    for step, ports in (("service-unnamed-port", [{"name": "http", "port": 80}, {"port": 81}]),
                        ("service-duplicate-port-name",
                         [{"name": "http", "port": 80}, {"name": "http", "port": 81}])):
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": step},
               "spec": {"selector": {"app": "d1"}, "ports": ports}}
        rc, _, err = r.k(step, "create", "-f", "-", stdin=json.dumps(svc))
        r.check(rc != 0 and "spec.ports[1].name" in err,
                "%s: created, or refused without naming spec.ports[1].name: %s" % (step, err))
    r.k("create-namespace", "create", "namespace", r.ns + "-extra", ns=False)
    r.k("get-namespace", "get", "namespace", r.ns + "-extra", "-o", "yaml", ns=False)
    r.k("clusterrole", "create", "clusterrole", r.ns + "-cr", "--verb=get", "--resource=nodes",
        ns=False)
    r.k("clusterrolebinding", "create", "clusterrolebinding", r.ns + "-crb",
        "--clusterrole=" + r.ns + "-cr", "--group=g1", ns=False)
    r.k("get-clusterrolebinding", "get", "clusterrolebinding", r.ns + "-crb", "-o", "yaml",
        ns=False)


def sc_tables(r):
    r.wait("deploy d1 available", lambda: r.kubectl(
        "get", "deploy", "d1", "-o", "jsonpath={.status.availableReplicas}")[1] == "2")
    for kinds in ("configmap", "secret", "serviceaccount", "deploy", "svc", "role",
                  "rolebinding", "ingress", "pdb", "cronjob"):
        r.k("get-" + kinds, "get", kinds, table=True)
    r.k("get-deploy-wide", "get", "deploy", "-o", "wide", table=True)
    r.k("get-rs", "get", "rs", table=True)
    r.k("get-pods-count", "get", "pods", "-l", "app=web", "--no-headers", "-o",
        "custom-columns=READY:.status.containerStatuses[0].ready,PHASE:.status.phase",
        lines=True)
    r.k("get-ns", "get", "namespace", r.ns, table=True, ns=False)
    r.k("get-cm-custom", "get", "cm", "-o", "custom-columns=NAME:.metadata.name,DATA:.data",
        "--field-selector=metadata.name!=kube-root-ca.crt", "--sort-by=.metadata.name",
        table=True)
    r.k("api-resources", "api-resources", "--api-group=apps", table=True, ns=False)
    for group in ("batch", "rbac.authorization.k8s.io", "policy"):
        r.k("api-resources-" + group, "api-resources", "--api-group=" + group, table=True,
            ns=False)
    r.k("explain-missing", "get", "nosuchkind", ns=False)


def sc_selectors(r):
    v1 = r.core
    r.k("kubectl-label", "get", "cm", "-l", "app=web", "-o", "name", lines=True)
    r.k("kubectl-label-neg", "get", "cm", "-l", "app!=web", "-o", "name", lines=True)
    r.k("kubectl-label-set", "get", "cm", "-l", "app in (web,db)", "-o", "name", lines=True)
    r.k("kubectl-field", "get", "pods", "--field-selector", "status.phase=Running", "-o",
        "name", lines=True)
    r.k("kubectl-field-name", "get", "cm", "--field-selector", "metadata.name=settings",
        "-o", "name", lines=True)
    lst = v1.list_namespaced_config_map(r.ns, label_selector="app=web")
    r.record("py-label", sorted(c.metadata.name for c in lst.items))
    lst = v1.list_namespaced_config_map(r.ns, field_selector="metadata.name=c1")
    r.record("py-field", sorted(c.metadata.name for c in lst.items))
    lst = v1.list_namespaced_pod(r.ns, label_selector="app=web",
                                 field_selector="status.phase=Running")
    r.record("py-both", len(lst.items))
    try:
        v1.list_namespaced_pod(r.ns, field_selector="spec.nosuch=1")
        r.record("py-bad-field", "accepted")
    except r.ApiException as e:
        r.record("py-bad-field", {"status": e.status, "reason": e.reason,
                                  "message": json.loads(e.body).get("message")})


def raw_get(r, path, params, timeout=10):
    """A GET with exactly these query parameters (the Python client spells
    booleans its own way), with the client's credentials; a urllib3
    response to stream."""
    import urllib3  # noqa: PLC0415 - a dependency of the kubernetes client

    cfg = r.client.Configuration.get_default_copy()
    headers = {"Accept": "application/json"}
    token = (cfg.api_key or {}).get("authorization") or (cfg.api_key or {}).get("BearerToken")
    if token:
        prefix = (cfg.api_key_prefix or {}).get("authorization", "")
        headers["Authorization"] = (prefix + " " + token).strip()
    pool = urllib3.PoolManager(cert_reqs="CERT_REQUIRED" if cfg.verify_ssl else "CERT_NONE",
                               ca_certs=cfg.ssl_ca_cert, cert_file=cfg.cert_file,
                               key_file=cfg.key_file)
    return pool.request("GET", cfg.host + path, fields=params, headers=headers,
                        preload_content=False, timeout=timeout)


def watch_raw(r, params, make, limit=10):
    """GET .../configmaps with params; the first event's type and name
    after make() ran."""
    resp = raw_get(r, "/api/v1/namespaces/%s/configmaps" % r.ns, params, limit)
    threading.Timer(0.5, make).start()
    buf = b""
    try:
        for chunk in resp.stream(1024):
            buf += chunk
            if b"\n" in buf:
                break
    except Exception as e:  # noqa: BLE001 - a timeout is a result here
        return {"no-event": type(e).__name__}
    finally:
        resp.release_conn()
    line = buf.split(b"\n")[0]
    if not line:
        return {"no-event": True}
    try:
        ev = json.loads(line)
        obj = ev.get("object") or {}
        return {"type": ev.get("type"), "name": (obj.get("metadata") or {}).get("name"),
                "kind": obj.get("kind"), "code": obj.get("code"), "reason": obj.get("reason")}
    except ValueError:
        return {"not-an-event": r.norm.text(line[:200].decode("utf-8", "replace"))}


def sc_watch(r):
    v1, client, watch = r.core, r.client, r.watch
    lst = v1.list_namespaced_config_map(r.ns)
    rv = lst.metadata.resource_version
    r.check(rv and rv.isdigit(), "list resourceVersion is a number: %r" % rv)
    seen = []

    def mk(name):
        return lambda: v1.create_namespaced_config_map(r.ns, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name=name, labels={"w": "1"}), data={"k": "v"}))

    w = watch.Watch()
    threading.Timer(0.5, mk("w-py")).start()
    for ev in w.stream(v1.list_namespaced_config_map, r.ns, resource_version=rv,
                       timeout_seconds=10):
        seen.append((ev["type"], ev["object"].metadata.name))
        if ev["object"].metadata.name == "w-py":
            w.stop()
    r.record("py-watch", seen)
    r.check(("ADDED", "w-py") in seen, "watch=True from the list's resourceVersion")
    for i, spelling in enumerate(("true", "True", "1")):
        rv = v1.list_namespaced_config_map(r.ns).metadata.resource_version
        got = watch_raw(r, [("watch", spelling), ("resourceVersion", rv)], mk("w-raw%d" % i))
        r.record("raw-watch-" + spelling, got)
        r.check(got.get("type") == "ADDED", "watch=%s streams events: %s" % (spelling, got))
    # rv 0: the current state first, as ADDED events.
    got = watch_raw(r, [("watch", "true"), ("resourceVersion", "0"),
                        ("fieldSelector", "metadata.name=settings")], lambda: None)
    r.record("raw-watch-rv0", got)
    # kubectl get -w of one name: the synthetic first line.
    rc, out, _ = r.kubectl("get", "cm", "settings", "-w", "--request-timeout=3s",
                           "--output-watch-events", timeout=20)
    r.record("kubectl-watch-one", r.norm.table(out)[:2])


def sc_expired(r):
    v1, watch = r.core, r.watch
    events = []
    w = watch.Watch()
    try:
        for ev in w.stream(v1.list_namespaced_config_map, r.ns, resource_version="1",
                           timeout_seconds=5):
            events.append(ev["type"])
            if len(events) > 3:
                break
        r.record("py-watch-rv1", {"events": events})
    except r.ApiException as e:
        r.record("py-watch-rv1", {"status": e.status, "reason": e.reason})
        r.check(e.status == 410, "too old resourceVersion: 410 (got %s)" % e.status)
    raw = watch_raw(r, [("watch", "true"), ("resourceVersion", "1")], lambda: None)
    r.record("raw-watch-rv1", raw)
    # Relist and watch again from the new resourceVersion.
    rv = v1.list_namespaced_config_map(r.ns).metadata.resource_version
    got = []
    w = watch.Watch()
    threading.Timer(0.5, lambda: v1.patch_namespaced_config_map(
        "settings", r.ns, {"data": {"relist": "1"}})).start()
    for ev in w.stream(v1.list_namespaced_config_map, r.ns, resource_version=rv,
                       timeout_seconds=10):
        got.append((ev["type"], ev["object"].metadata.name))
        w.stop()
    r.record("relist-watch", got)
    r.check(got == [("MODIFIED", "settings")], "watch after relist: %s" % got)


def sc_conflict(r):
    v1, client = r.core, r.client
    cm = v1.read_namespaced_config_map("settings", r.ns)
    old_rv = cm.metadata.resource_version
    v1.patch_namespaced_config_map("settings", r.ns, {"data": {"bump": "1"}})
    cm.metadata.resource_version = old_rv
    try:
        v1.replace_namespaced_config_map("settings", r.ns, cm)
        r.record("stale-replace", "accepted")
        r.check(False, "a stale replace is refused")
    except r.ApiException as e:
        body = json.loads(e.body)
        r.record("stale-replace", {"status": e.status, "reason": body.get("reason"),
                                   "message": r.norm.text(body.get("message")),
                                   "details": obj_norm(r, body.get("details"))})
        r.check(e.status == 409, "stale replace: 409")
    try:
        v1.create_namespaced_config_map(r.ns, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="settings")))
    except r.ApiException as e:
        body = json.loads(e.body)
        r.record("create-existing", {"status": e.status, "reason": body.get("reason"),
                                     "message": r.norm.text(body.get("message")),
                                     "details": body.get("details")})
    r.k("kubectl-stale", "replace", "-f", "-", stdin=json.dumps({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "resourceVersion": old_rv}, "data": {}}))


def sc_rollout(r):
    def done():
        return r.kubectl("rollout", "status", "deploy/web", "--timeout=90s")[0] == 0

    r.k("set-image", "set", "image", "deploy/web", "web=example/web:2.0")
    r.k("status-2", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.k("annotate", "annotate", "deploy/web", "kubernetes.io/change-cause=to 3.0")
    r.k("set-image-3", "set", "image", "deploy/web", "web=example/web:3.0")
    r.k("status-3", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.k("history", "rollout", "history", "deploy/web", table=True)
    r.k("history-rev2", "rollout", "history", "deploy/web", "--revision=2")
    r.k("undo", "rollout", "undo", "deploy/web")
    done()
    r.k("image-after-undo", "get", "deploy", "web", "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations}")
    r.k("undo-to-1", "rollout", "undo", "deploy/web", "--to-revision=1")
    done()
    r.k("undo-to-99", "rollout", "undo", "deploy/web", "--to-revision=99")
    r.k("history-after", "rollout", "history", "deploy/web", table=True)
    r.k("pause", "rollout", "pause", "deploy/web")
    r.k("pause-again", "rollout", "pause", "deploy/web")
    r.k("undo-paused", "rollout", "undo", "deploy/web")
    r.k("set-image-paused", "set", "image", "deploy/web", "web=example/web:4.0")
    r.k("paused-conditions", "get", "deploy", "web", "-o",
        "jsonpath={range .status.conditions[*]}{.type}={.status}/{.reason} {end}")
    r.k("resume", "rollout", "resume", "deploy/web")
    r.k("status-4", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.k("restart", "rollout", "restart", "deploy/web")
    r.k("status-restart", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.k("rs-after-restart", "get", "rs", "-l", "app=web", "-o",
        "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"
        ":{.spec.replicas}{\"\\n\"}{end}", lines=True)
    r.k("scale", "scale", "deploy/web", "--replicas=5")
    r.k("scale-current-stale", "scale", "deploy/web", "--current-replicas=2", "--replicas=4")
    r.k("status-scale", "rollout", "status", "deploy/web", "--timeout=90s", last=True)
    r.k("deploy-status", "get", "deploy", "web", "-o",
        "jsonpath={.spec.replicas} {.status.replicas} {.status.updatedReplicas} "
        "{.status.readyReplicas} {.status.availableReplicas} {.metadata.generation} "
        "{.status.observedGeneration}")


def sc_patch(r):
    r.k("merge", "patch", "cm", "settings", "--type=merge", "-p",
        '{"data":{"mode":"slow","level":null}}')
    r.k("json", "patch", "cm", "settings", "--type=json", "-p",
        '[{"op":"add","path":"/data/extra","value":"1"},{"op":"remove","path":"/data/bump"}]')
    r.k("json-test-fails", "patch", "cm", "settings", "--type=json", "-p",
        '[{"op":"test","path":"/data/mode","value":"fast"}]')
    r.k("strategic", "patch", "deploy", "web", "-p",
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A",'
        '"value":"1"}]}]}}}}')
    r.k("strategic-cm", "patch", "cm", "settings", "-p", '{"metadata":{"labels":{"p":"1"}}}')
    r.k("result-cm", "get", "cm", "settings", "-o", "jsonpath={.data} {.metadata.labels}")
    r.k("result-deploy", "get", "deploy", "web", "-o",
        "jsonpath={.spec.template.spec.containers[0].env}")
    r.k("bad-type", "patch", "cm", "settings", "--type=json", "-p", '{"not":"a list"}')
    r.k("label", "label", "cm", "settings", "extra=yes")
    r.k("label-overwrite", "label", "cm", "settings", "extra=no")
    r.k("annotate", "annotate", "cm", "settings", "note=x")
    r.core.patch_namespaced_config_map("settings", r.ns, {"data": {"py": "1"}})
    r.record("py-patch", r.core.read_namespaced_config_map("settings", r.ns).data)


def sc_delete(r):
    v1, apps, client = r.core, r.apps, r.client
    r.k("create-bg", "create", "deployment", "bg", "--image=example/web:1.0", "--replicas=2")
    r.k("create-orphan", "create", "deployment", "orph", "--image=example/web:1.0")
    r.k("create-fg", "create", "deployment", "fg", "--image=example/web:1.0")
    for d in ("bg", "orph", "fg"):
        r.kubectl("rollout", "status", "deploy/" + d, "--timeout=90s")
    r.k("delete-orphan", "delete", "deploy", "orph", "--cascade=orphan")
    r.wait("orphaned rs stays", lambda: r.kubectl("get", "rs", "-l", "app=orph", "-o",
                                                  "name")[1].strip() != "")
    r.k("rs-orphaned", "get", "rs", "-l", "app=orph", "-o",
        "jsonpath={range .items[*]}{.metadata.ownerReferences}{end}")
    r.k("delete-bg", "delete", "deploy", "bg", "--cascade=background")
    r.wait("bg rs gone", lambda: r.kubectl("get", "rs", "-l", "app=bg", "-o",
                                           "name")[1].strip() == "")
    r.wait("bg pods gone", lambda: r.kubectl("get", "pods", "-l", "app=bg", "-o",
                                             "name")[1].strip() == "")
    r.record("bg-gone", True)
    st = apps.delete_namespaced_deployment("fg", r.ns, body=client.V1DeleteOptions(
        propagation_policy="Foreground"))
    st = r.api.sanitize_for_serialization(st)
    r.record("py-delete-foreground", sorted(st.keys()) if isinstance(st, dict) else str(st))
    r.wait("fg gone", lambda: r.kubectl("get", "deploy", "fg", "-o", "name")[0] != 0)
    r.wait("fg pods gone", lambda: r.kubectl("get", "pods", "-l", "app=fg", "-o",
                                             "name")[1].strip() == "")
    r.k("delete-missing", "delete", "cm", "nosuch")
    r.k("delete-ignore", "delete", "cm", "nosuch", "--ignore-not-found")
    r.k("delete-cm", "delete", "cm", "c1")
    try:
        v1.delete_namespaced_config_map("c1", r.ns)
    except r.ApiException as e:
        r.record("py-delete-gone", {"status": e.status,
                                    "message": json.loads(e.body).get("message")})


def sc_events(r):
    rc, out, _ = r.kubectl("get", "events", "--field-selector", "involvedObject.kind=Deployment",
                           "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}")
    r.record("deployment-reasons", sorted(set(out.split())))
    rc, out, _ = r.kubectl("get", "events", "--field-selector",
                           "involvedObject.kind=ReplicaSet",
                           "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}")
    r.record("replicaset-reasons", sorted(set(out.split())))
    r.k("events-table-head", "get", "events", "--field-selector",
        "involvedObject.kind=Deployment,involvedObject.name=web", "--sort-by=.lastTimestamp",
        table=True)
    r.steps["events/events-table-head"]["out"] = r.steps["events/events-table-head"]["out"][:1]
    # the last scenario's rollout may still be retiring its old pods (the real
    # controller takes its time): describe the settled Deployment
    r.kubectl("rollout", "status", "deploy/web", "--timeout=90s")
    r.k("describe-deploy-events", "describe", "deploy", "web")
    d = r.steps["events/describe-deploy-events"]["out"] or ""
    def sorted_rs(line):
        # Old ReplicaSets come in name order, and names carry the template
        # hash, which the sandbox computes differently.
        m = re.match(r"(OldReplicaSets: )(.*)", line)
        return m.group(1) + ", ".join(sorted(m.group(2).split(", "))) if m else line

    r.steps["events/describe-deploy-events"]["out"] = [
        sorted_rs(re.sub(r"\s+", " ", line.strip())) for line in d.splitlines()
        if re.match(r"^(Name|Namespace|Labels|Selector|Replicas|StrategyType|MinReadySeconds|"
                    r"RollingUpdateStrategy|Pod Template|Conditions|OldReplicaSets|"
                    r"NewReplicaSet|Events):", line)]


def sc_kinds(r):
    """Apply the public manifests under tests/fixtures/manifests (some name
    kube-system, the rest go to default), read them back, delete them."""
    here = os.path.dirname(os.path.abspath(__file__))
    d = os.path.join(here, "..", "fixtures", "manifests")
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".yaml"))
    for f in files:
        rc, out, err = r.k("apply-" + os.path.basename(f), "apply", "-f", f, lines=True,
                           ns=False)
        r.check(rc == 0, "apply %s: %s" % (f, err.strip()))
    r.k("apply-again", "apply", "-f", d, lines=True, ns=False)
    r.obj("get-sts", "statefulset", "web", ns=False)
    r.k("get-ds", "get", "daemonset", "-n", "kube-system", "fluentd-elasticsearch", "-o",
        "jsonpath={.spec}", ns=False)
    r.k("get-hpa", "get", "hpa", "php-apache", table=True, ns=False)
    r.k("get-pdb", "get", "pdb", "zk-pdb", table=True, ns=False)
    r.k("get-ingress", "get", "ingress", "minimal-ingress", table=True, ns=False)
    r.k("get-job", "get", "job", "pi", "-o", "jsonpath={.spec}", ns=False)
    r.k("get-clusterrole", "get", "clusterrole", "kube-state-metrics", "-o", "yaml", ns=False)
    r.k("get-crb", "get", "clusterrolebinding", "kube-state-metrics", table=True, ns=False)
    r.k("get-sa", "get", "sa", "-n", "kube-system", "kube-state-metrics", "-o", "yaml",
        ns=False)
    r.k("delete", "delete", "-f", d, "--wait=false", lines=True, ns=False)


def sc_auth(r):
    """What k9s and `kubectl auth can-i` ask before they list: access reviews
    (the kubeconfig's user may do everything on both clusters)."""
    r.k("can-i-list-pods", "auth", "can-i", "list", "pods")
    r.k("can-i-patch-deploy", "auth", "can-i", "patch", "deployments.apps")
    r.k("can-i-healthz", "auth", "can-i", "get", "/healthz", ns=False)
    auth, client = r.client.AuthorizationV1Api(r.api), r.client
    review = auth.create_self_subject_access_review(client.V1SelfSubjectAccessReview(
        spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=client.V1ResourceAttributes(
            namespace=r.ns, verb="watch", resource="pods"))))
    r.record("python-review", {"kind": review.kind, "allowed": review.status.allowed,
                               "verb": review.spec.resource_attributes.verb})
    r.check(review.status.allowed, "an access review is allowed")
    for step, spec in (("review-empty", {}),
                       ("review-both", {"resourceAttributes": {"verb": "get"},
                                        "nonResourceAttributes": {"verb": "get", "path": "/"}})):
        try:
            auth.create_self_subject_access_review({
                "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": spec})
            r.record(step, "accepted")
        except r.ApiException as e:
            body = json.loads(e.body)
            r.record(step, {"status": e.status, "reason": body.get("reason"),
                            "message": r.norm.text(body.get("message"))})
    r.k("get-reviews", "get", "selfsubjectaccessreviews", ns=False)


SCENARIOS = [("apply", sc_apply), ("create", sc_create), ("tables", sc_tables),
             ("selectors", sc_selectors), ("watch", sc_watch), ("expired", sc_expired),
             ("conflict", sc_conflict), ("rollout", sc_rollout), ("patch", sc_patch),
             ("delete", sc_delete), ("events", sc_events), ("kinds", sc_kinds),
             ("auth", sc_auth)]


def cmd_run(args):
    from kubernetes import client, config, watch  # noqa: PLC0415
    from kubernetes.client.rest import ApiException  # noqa: PLC0415

    ns = args.namespace or "conf-%x" % (int(time.time() * 1000) % 0xffffff)
    r = Run(args.kubeconfig, ns)
    config.load_kube_config(args.kubeconfig)
    r.api = client.ApiClient()
    r.core, r.apps = client.CoreV1Api(r.api), client.AppsV1Api(r.api)
    r.client, r.watch, r.ApiException = client, watch, ApiException
    rc, _, err = r.kubectl("create", "namespace", ns, ns=False)
    if rc:
        print("conformance: cannot create namespace %s: %s" % (ns, err.strip()), file=sys.stderr)
        return 2
    r.wait("the default ServiceAccount", lambda: r.kubectl(
        "get", "serviceaccount", "default", "-o", "name")[0] == 0, limit=20)
    only = set(args.only.split(",")) if args.only else None
    for name, fn in SCENARIOS:
        if only and name not in only:
            continue
        r.scenario = name
        t0 = time.time()
        try:
            fn(r)
        except Exception as e:  # noqa: BLE001 - recorded, the rest still runs
            r.record("exception", "%s: %s" % (type(e).__name__, r.norm.text(str(e))[:500]))
            r.check(False, "raised %s: %s" % (type(e).__name__, e))
        print("# %-10s %5.1fs" % (name, time.time() - t0), file=sys.stderr)
    r.kubectl("delete", "namespace", ns, ns + "-extra", "--wait=false", ns=False)
    r.kubectl("delete", "clusterrole", ns + "-cr", "--wait=false", ns=False)
    r.kubectl("delete", "clusterrolebinding", ns + "-crb", "--wait=false", ns=False)
    report = {"name": args.name or "", "steps": r.steps, "failures": r.failures}
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
    for fl in r.failures:
        print("FAIL: " + fl, file=sys.stderr)
    print("conformance: %d steps, %d failed checks, report %s" % (
        len(r.steps), len(r.failures), args.out))
    return 1 if r.failures else 0


def flatten(v, key, out):
    if isinstance(v, dict):
        for k in sorted(v):
            flatten(v[k], key + "." + k if key else k, out)
    else:
        out[key] = v


def cmd_compare(args):
    with open(args.a) as f:
        a = json.load(f)
    with open(args.b) as f:
        b = json.load(f)
    known = []
    if args.known and os.path.exists(args.known):
        with open(args.known) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    pat, _, reason = line.rstrip("\n").partition("\t")
                    known.append((re.compile(pat), reason.strip() or "(no reason given)"))
    unexplained = 0
    for step in sorted(set(a["steps"]) | set(b["steps"])):
        va, vb = a["steps"].get(step, "<missing>"), b["steps"].get(step, "<missing>")
        if va == vb:
            continue
        fa, fb = {}, {}
        flatten(va, "", fa)
        flatten(vb, "", fb)
        for sub in sorted(set(fa) | set(fb)):
            x, y = fa.get(sub, "<missing>"), fb.get(sub, "<missing>")
            if x == y:
                continue
            key = step + (":" + sub if sub else "")
            reason = next((why for pat, why in known if pat.search(key)), None)
            if reason is None:
                unexplained += 1
            print("%s %s\n  %s: %s\n  %s: %s" % (
                "known (%s):" % reason if reason else "DIFF", key, a.get("name") or "A",
                json.dumps(x)[:2000], b.get("name") or "B", json.dumps(y)[:2000]))
    print("compare: %d unexplained difference(s)" % unexplained)
    return 1 if unexplained else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("run")
    pr.add_argument("--kubeconfig", required=True)
    pr.add_argument("--out", required=True)
    pr.add_argument("--name")
    pr.add_argument("--namespace")
    pr.add_argument("--only", help="comma-separated scenario names")
    pc = sub.add_parser("compare")
    pc.add_argument("a")
    pc.add_argument("b")
    pc.add_argument("--known")
    args = p.parse_args()
    return cmd_run(args) if args.cmd == "run" else cmd_compare(args)


if __name__ == "__main__":
    sys.exit(main())
