#!/usr/bin/env python3
# test-deploy.py — checks deploy/ and the Containerfile against the code
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-deploy.py SOURCE_ROOT [ASSAY_BINARY PDF_READER_BINARY]
#
# TAP on standard output. What it proves:
#  - every manifest parses and lives in the assay namespace; every Secret,
#    ConfigMap and key a pod refers to is defined;
#  - the KEDA triggers use exactly the nats-jetstream scaler's metadata
#    fields, as strings, naming the streams and consumers the core uses,
#    the NATS Service's monitoring port and the global account; each
#    ScaledObject targets the Deployment of its role;
#  - the worker Deployments run --role extract / analyse, with requests,
#    a liveness probe and a grace period of at least the core's AckWait;
#  - the NATS configuration is valid for the real nats-server, which started
#    with it accepts the deploy's users, and the setup Job's stream and
#    consumer JSON is accepted by that server and equals the core's layout;
#    KEDA's own query (/jsz?acc=…&consumers=true&config=true) then finds the
#    consumer and its lag (num_pending + num_ack_pending);
#  - the liveness script tells a worker connected to NATS from one that is not;
#  - the Containerfile's build packages are ./dev's minus the test-only
#    ones, and its runtime packages hold every library the built binaries
#    link (through dpkg, as installed on this machine).
#
# It starts its nats-server on free loopback ports with its store in a
# temporary folder and stops it by PID.

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

root = sys.argv[1]
assay_binary = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("ASSAY_BINARY")
reader_binary = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("ASSAY_PDF_READER")
nats_server = (os.environ.get("ASSAY_NATS_SERVER") or shutil.which("nats-server")
               or "/usr/sbin/nats-server")

tests = []


def test(fn):
    tests.append(fn)
    return fn


def load(name):
    with open(os.path.join(root, "deploy", name)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def all_docs():
    docs = []
    for path in sorted(glob.glob(os.path.join(root, "deploy", "*.yaml"))):
        if os.path.basename(path) == "kustomization.yaml":
            continue
        docs += [(os.path.basename(path), d) for d in load(os.path.basename(path))]
    return docs


def find(kind, name):
    for _, d in all_docs():
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise AssertionError(f"no {kind} {name} in deploy/")


def layout():
    """The core's names and limits, from src/cluster/assay-cluster-layout.{h,c}."""
    text = ""
    for name in ("assay-cluster-layout.h", "assay-cluster-layout.c"):
        with open(os.path.join(root, "src", "cluster", name)) as f:
            text += f.read()
    defs = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*(?:/\*.*)?$", text, re.M):
        defs[m.group(1)] = m.group(2).strip()

    def value(name):
        v = defs[name]
        if v.startswith('"'):
            return v.strip('"')
        v = re.sub(r"\(gint64\)|\(int64_t\)", "", v)
        v = re.sub(r"\b([A-Z_][A-Z0-9_]+)\b", lambda m: str(value(m.group(1))), v)
        return int(eval(v, {}))

    return value


def find_ConfigMap_data(name):
    return find("ConfigMap", name)["data"]


def container(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0]


# ---------------------------------------------------------------- manifests

@test
def manifests_parse_and_are_namespaced():
    docs = all_docs()
    assert len(docs) >= 10, len(docs)
    for file, d in docs:
        for key in ("apiVersion", "kind", "metadata"):
            assert key in d, (file, key)
        if d["kind"] != "Namespace":
            assert d["metadata"].get("namespace") == "assay", (file, d["metadata"])
    with open(os.path.join(root, "deploy", "kustomization.yaml")) as f:
        kustomization = yaml.safe_load(f)
    for res in kustomization["resources"]:
        assert os.path.exists(os.path.join(root, "deploy", res)), res


@test
def references_resolve():
    secrets = {}
    configmaps = {}
    for _, d in all_docs():
        data = dict(d.get("data") or {}, **(d.get("stringData") or {}))
        if d["kind"] == "Secret":
            secrets[d["metadata"]["name"]] = set(data)
        elif d["kind"] == "ConfigMap":
            configmaps[d["metadata"]["name"]] = set(data)
    n = 0
    for file, d in all_docs():
        spec = d.get("spec", {})
        pod = spec.get("template", {}).get("spec")
        if not pod:
            continue
        for c in pod["containers"]:
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]], (file, ref)
                    n += 1
            for e in c.get("envFrom", []):
                assert e["configMapRef"]["name"] in configmaps, (file, e)
        for v in pod.get("volumes", []):
            if "configMap" in v:
                assert v["configMap"]["name"] in configmaps, (file, v)
    assert n >= 4, n


KEDA_FIELDS = {"natsServerMonitoringEndpoint", "account", "stream", "consumer",
               "lagThreshold", "activationLagThreshold", "useHttps"}


@test
def keda_triggers_match_the_scaler_and_the_core():
    value = layout()
    service = find("Service", "nats")
    monitor = [p for p in service["spec"]["ports"] if p["name"] == "monitor"][0]
    expected = {
        "assay-extract": (value("ASSAY_CLUSTER_EXTRACT_STREAM"), value("ASSAY_CLUSTER_EXTRACT_CONSUMER"), "extract"),
        "assay-analyse": (value("ASSAY_CLUSTER_ANALYSE_STREAM"), value("ASSAY_CLUSTER_ANALYSE_CONSUMER"), "analyse"),
    }
    seen = set()
    for _, d in all_docs():
        if d["kind"] != "ScaledObject":
            continue
        assert d["apiVersion"] == "keda.sh/v1alpha1"
        spec = d["spec"]
        target = spec["scaleTargetRef"]["name"]
        stream, consumer, role = expected[target]
        seen.add(target)
        deployment = find("Deployment", target)
        assert f"--role={role}" in container(deployment)["args"], container(deployment)["args"]
        assert 0 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        assert spec["cooldownPeriod"] > 0 and spec["pollingInterval"] > 0
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "nats-jetstream"
        meta = trigger["metadata"]
        assert set(meta) <= KEDA_FIELDS, set(meta) - KEDA_FIELDS
        assert {"natsServerMonitoringEndpoint", "account", "stream", "consumer", "lagThreshold"} <= set(meta)
        for k, v in meta.items():
            assert isinstance(v, str), f"KEDA metadata {k} must be a string, is {v!r}"
        assert meta["stream"] == stream and meta["consumer"] == consumer, meta
        assert meta["account"] == "$G"
        assert int(meta["lagThreshold"]) > 0 and int(meta["activationLagThreshold"]) >= 0
        assert meta["useHttps"] == "false"
        host, port = meta["natsServerMonitoringEndpoint"].rsplit(":", 1)
        assert "://" not in host, "the scaler adds the scheme itself"
        assert host.split(".")[:2] == ["nats", "assay"], host
        assert int(port) == monitor["port"] == 8222
    assert seen == set(expected), seen


@test
def workers_have_requests_liveness_and_grace():
    value = layout()
    ack_wait = value("ASSAY_CLUSTER_ACK_WAIT_S")
    for name, role in (("assay-extract", "extract"), ("assay-analyse", "analyse")):
        d = find("Deployment", name)
        pod = d["spec"]["template"]["spec"]
        c = container(d)
        args = c["args"]
        assert args[0].startswith("nats://nats.assay.svc:"), args
        assert f"--role={role}" in args
        assert any(a.startswith("--worker-name=") for a in args)
        assert not any("password" in a.lower() and "=" in a and "user" not in a for a in args), \
            "secrets never on argv"
        env = {e["name"]: e for e in c.get("env", [])}
        assert "secretKeyRef" in env["ASSAY_NATS_PASSWORD"]["valueFrom"]
        req = c["resources"]["requests"]
        assert "cpu" in req and "memory" in req
        assert "memory" in c["resources"]["limits"]
        assert c["livenessProbe"]["exec"]["command"] == ["assay-worker-alive"]
        assert pod["terminationGracePeriodSeconds"] >= ack_wait
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"] for m in c["volumeMounts"]}
        assert "/tmp" in mounts


# ------------------------------------------------------ a real nats-server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nats:
    """Just enough of the NATS protocol for requests: CONNECT, SUB, PUB, MSG."""

    def __init__(self, port, user=None, password=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        info = self._line()
        assert info.startswith(b"INFO "), info
        connect = {"verbose": False, "pedantic": False, "protocol": 1, "headers": False}
        if user:
            connect.update(user=user, **{"pass": password})
        self.sock.sendall(b"CONNECT " + json.dumps(connect).encode() + b"\r\nPING\r\n")
        while True:
            line = self._line()
            if line == b"PONG":
                break
            if line.startswith(b"-ERR"):
                raise PermissionError(line.decode())
        self.sock.sendall(b"SUB _INBOX.test 1\r\n")

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def publish(self, subject, payload=b""):
        self.sock.sendall(f"PUB {subject} {len(payload)}\r\n".encode() + payload + b"\r\n")

    def request(self, subject, payload):
        payload = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        self.sock.sendall(f"PUB {subject} _INBOX.test {len(payload)}\r\n".encode() + payload + b"\r\n")
        while True:
            line = self._line()
            if line == b"PING":
                self.sock.sendall(b"PONG\r\n")
            elif line.startswith(b"MSG "):
                return json.loads(self._read(int(line.split()[-1])))
            elif line.startswith(b"-ERR"):
                raise RuntimeError(line.decode())

    def close(self):
        self.sock.close()


class Server:
    def __init__(self, conf_text, env):
        self.dir = tempfile.mkdtemp(prefix="test-deploy-")
        self.port, self.monitor = free_port(), free_port()
        conf_text = (conf_text.replace("/data", os.path.join(self.dir, "store"))
                     .replace("/var/run/nats", self.dir)
                     .replace("0.0.0.0:4222", f"127.0.0.1:{self.port}")
                     .replace("0.0.0.0:8222", f"127.0.0.1:{self.monitor}"))
        assert f"127.0.0.1:{self.port}" in conf_text and f"127.0.0.1:{self.monitor}" in conf_text
        self.conf = os.path.join(self.dir, "nats.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.env = dict(os.environ, **env)
        check = subprocess.run([nats_server, "-c", self.conf, "-t"], env=self.env,
                               capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr + check.stdout
        self.log = open(os.path.join(self.dir, "nats.log"), "w")
        self.proc = subprocess.Popen([nats_server, "-c", self.conf], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor}/healthz", timeout=1) as r:
                    if json.load(r).get("status") == "ok":
                        break
            except OSError:
                pass
            assert self.proc.poll() is None, "nats-server exited"
            assert time.monotonic() < deadline, "nats-server did not come up in 10 s"
            time.sleep(0.05)

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor}{path}", timeout=5) as r:
            return json.load(r)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def deploy_server():
    conf = find("ConfigMap", "nats-config")["data"]["nats.conf"]
    return Server(conf, {"POD_NAME": "nats-0", "ASSAY_WORKER_PASSWORD": "w-secret",
                         "ASSAY_SUBMITTER_PASSWORD": "s-secret"})


@test
def nats_config_runs_and_setup_json_is_accepted():
    value = layout()
    setup = find("ConfigMap", "assay-jetstream")["data"]
    server = deploy_server()
    try:
        # Wrong password refused, both deploy users accepted.
        try:
            Nats(server.port, "assay-worker", "wrong").close()
            raise AssertionError("a wrong password was accepted")
        except (PermissionError, ConnectionError):
            pass
        Nats(server.port, "assay-worker", "w-secret").close()
        nc = Nats(server.port, "assay-submitter", "s-secret")

        for stream, subject, consumer in (
                (value("ASSAY_CLUSTER_EXTRACT_STREAM"), value("ASSAY_CLUSTER_EXTRACT_SUBJECT"),
                 value("ASSAY_CLUSTER_EXTRACT_CONSUMER")),
                (value("ASSAY_CLUSTER_ANALYSE_STREAM"), value("ASSAY_CLUSTER_ANALYSE_SUBJECT"),
                 value("ASSAY_CLUSTER_ANALYSE_CONSUMER"))):
            sconf = json.loads(setup[f"{stream}.stream.json"])
            cconf = json.loads(setup[f"{stream}.{consumer}.consumer.json"])
            # The same as the core makes when they are missing.
            assert sconf["name"] == stream and sconf["subjects"] == [subject], sconf
            assert sconf["retention"] == "workqueue" and sconf["storage"] == "file"
            assert sconf["max_msg_size"] == value("ASSAY_CLUSTER_MAX_JOB_BYTES")
            assert sconf["max_msgs"] == value("MAX_QUEUED_JOBS")
            assert sconf["max_bytes"] == value("MAX_QUEUE_BYTES")
            assert sconf["duplicate_window"] == value("DUPLICATE_WINDOW_S") * 10**9
            assert cconf["durable_name"] == consumer and cconf["filter_subject"] == subject
            assert cconf["ack_policy"] == "explicit"
            assert cconf["ack_wait"] == value("ASSAY_CLUSTER_ACK_WAIT_S") * 10**9
            assert cconf["max_deliver"] == value("ASSAY_CLUSTER_MAX_ATTEMPTS") + 1

            r = nc.request(f"$JS.API.STREAM.CREATE.{stream}", sconf)
            assert "error" not in r, r
            assert r["config"]["retention"] == "workqueue"
            r = nc.request(f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{consumer}",
                           {"stream_name": stream, "config": cconf})
            assert "error" not in r, r
            assert r["config"]["ack_wait"] == cconf["ack_wait"]

        # Three jobs waiting on extract: KEDA's query sees a lag of 3.
        for i in range(3):
            nc.publish(value("ASSAY_CLUSTER_EXTRACT_SUBJECT"), b'{"job": %d}' % i)
        nc.request("$JS.API.INFO", b"")   # a round trip: the publishes are in
        so = find("ScaledObject", "assay-extract")["spec"]["triggers"][0]["metadata"]
        jsz = server.get(f"/jsz?acc={so['account']}&consumers=true&config=true")
        (acc,) = [a for a in jsz["account_details"] if a["name"] == so["account"]]
        (st,) = [s for s in acc["stream_detail"] if s["name"] == so["stream"]]
        (co,) = [c for c in st["consumer_detail"] if c["name"] == so["consumer"]]
        assert co["num_pending"] + co["num_ack_pending"] == 3, co
        nc.close()
    finally:
        server.stop()


def setup_streams(nc, setup, value):
    for stream, consumer in ((value("ASSAY_CLUSTER_EXTRACT_STREAM"), value("ASSAY_CLUSTER_EXTRACT_CONSUMER")),
                             (value("ASSAY_CLUSTER_ANALYSE_STREAM"), value("ASSAY_CLUSTER_ANALYSE_CONSUMER"))):
        r = nc.request(f"$JS.API.STREAM.CREATE.{stream}", json.loads(setup[f"{stream}.stream.json"]))
        assert "error" not in r, r
        r = nc.request(f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{consumer}",
                       {"stream_name": stream,
                        "config": json.loads(setup[f"{stream}.{consumer}.consumer.json"])})
        assert "error" not in r, r


@test
def deploy_config_runs_a_batch():
    """The manifests' nats.conf, users and setup Job, with the real worker and submitter."""
    assert binaries_present(), "needs the built assay"
    make_pdfs = os.path.join(os.environ.get("G_TEST_BUILDDIR", os.path.dirname(os.path.dirname(
        assay_binary)) + "/tests"), "make-pdfs")
    value = layout()
    server = deploy_server()
    worker = None
    work = tempfile.mkdtemp(prefix="test-deploy-batch-")
    try:
        nc = Nats(server.port, "assay-submitter", "s-secret")
        setup_streams(nc, find_ConfigMap_data("assay-jetstream"), value)
        nc.close()
        subprocess.run([make_pdfs, os.path.join(work, "pdfs"), "3", "1"], check=True,
                       capture_output=True, timeout=60)
        url = f"nats://127.0.0.1:{server.port}"
        env = dict(os.environ, GSETTINGS_BACKEND="memory", XDG_DATA_HOME=os.path.join(work, "w"))
        # As workers.yaml runs it: the user on argv, the password from the Secret's variable.
        worker_log = open(os.path.join(work, "worker.log"), "w")
        worker = subprocess.Popen([assay_binary, "--worker", url, "--role=all", "--jobs=1",
                                   "--worker-name=deploy-test", "--nats-user=assay-worker",
                                   "--offline"],
                                  env=dict(env, ASSAY_NATS_PASSWORD="w-secret"),
                                  stdout=subprocess.DEVNULL, stderr=worker_log)
        out = os.path.join(work, "out.json")
        submit_env = dict(env, XDG_DATA_HOME=os.path.join(work, "s"))
        r = subprocess.run([assay_binary, "--headless", "--cluster", url,
                            "--nats-user", "assay-submitter", "--offline", "-o", out,
                            os.path.join(work, "pdfs")],
                           env=dict(submit_env, ASSAY_NATS_PASSWORD="s-secret"),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
        with open(out) as f:
            docs = json.load(f)["documents"]
        assert [d["status"] for d in docs] == ["done"] * 3, [d.get("status") for d in docs]
        # The worker's password does not log the submitter in.
        r = subprocess.run([assay_binary, "--headless", "--cluster", url,
                            "--nats-user", "assay-submitter", "--offline", "-o",
                            os.path.join(work, "refused.json"), os.path.join(work, "pdfs")],
                           env=dict(submit_env, ASSAY_NATS_PASSWORD="w-secret"),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0, r.stderr
        # The streams the Job made were used as they were: still one consumer each.
        jsz = server.get("/jsz?acc=$G&consumers=true")
        (acc,) = jsz["account_details"]
        for st in acc["stream_detail"]:
            if st["name"].startswith("ASSAY_"):
                assert [c["name"] for c in st["consumer_detail"]] == [st["name"][6:].lower()], st
                assert st["state"]["messages"] == 0, st
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=40)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            worker_log.close()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def other_workers_running():
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(path, "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if b"assay\0--worker" in cmdline or b"assay --worker" in cmdline:
            return True
    return False


@test
def liveness_script_needs_a_connection():
    script = os.path.join(root, "deploy", "assay-worker-alive")
    assert os.access(script, os.X_OK)
    server = Server("listen: 0.0.0.0:4222\nhttp: 0.0.0.0:8222\n", {})
    fake = None
    try:
        env = dict(os.environ, ASSAY_NATS_PORT=str(server.port))
        # No worker process of ours. (Other tests on this machine may run
        # workers, which a pod would not see: then it is the connection the
        # script misses.)
        r = subprocess.run([script], env=env, capture_output=True, text=True, timeout=10)
        assert r.returncode != 0, r.stderr
        if not other_workers_running():
            assert "no assay --worker" in r.stderr, r.stderr
        # A process named like a worker, not connected.
        fake = subprocess.Popen(["bash", "-c", "exec -a 'assay --worker nats://x' sleep 60"])
        deadline = time.monotonic() + 5
        while True:
            r = subprocess.run([script], env=env, capture_output=True, text=True, timeout=10)
            if "no connection" in r.stderr or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert r.returncode != 0 and "no connection" in r.stderr, r.stderr
        # Connected (asked again for up to 5 s, as the probe's failureThreshold would).
        nc = Nats(server.port)
        deadline = time.monotonic() + 5
        while True:
            r = subprocess.run([script], env=env, capture_output=True, text=True, timeout=10)
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        hexport = ":%04X" % server.port
        seen = [line.split()[1:4] for t in ("/proc/net/tcp", "/proc/net/tcp6") if os.path.exists(t)
                for line in open(t) if hexport in line]
        nc.close()
        assert r.returncode == 0, (r.stderr, seen)
    finally:
        if fake:
            fake.kill()
            fake.wait()
        server.stop()


# ------------------------------------------------------------ Containerfile

# What ./dev installs for its tests only. Not here: desktop-file-utils,
# appstream, libxml2-utils (meson setup requires their programs).
TEST_ONLY = {"qpdf", "poppler-utils", "xvfb", "xauth", "dbus", "dbus-x11", "xdotool",
             "imagemagick", "glib-networking", "nats-server", "python3-yaml"}
# In every Debian image already (essential or the toolchain's own runtime).
BASE = {"libc6", "libgcc-s1", "libstdc++6"}


def containerfile_stages():
    with open(os.path.join(root, "Containerfile")) as f:
        text = f.read()
    stages = {}
    for m in re.finditer(r"^FROM\s+(\S+)\s+AS\s+(\S+)\s*$(.*?)(?=^FROM|\Z)", text, re.M | re.S):
        body = m.group(3).replace("\\\n", " ")
        pkgs = set()
        for cmd in re.findall(r"apt-get install ([^&\n]*)", body):
            pkgs |= {w for w in cmd.split() if not w.startswith("-")}
        stages[m.group(2)] = (m.group(1), pkgs, body)
    return stages


def dev_packages():
    with open(os.path.join(root, "dev")) as f:
        text = f.read()
    block = re.search(r"^packages=\((.*?)^\)", text, re.M | re.S).group(1)
    return {w for line in block.splitlines() for w in line.split("#")[0].split()}


@test
def containerfile_build_packages_follow_dev():
    stages = containerfile_stages()
    image, build, _ = stages["build"]
    assert image.startswith("docker.io/library/debian:12")
    dev = dev_packages()
    missing = (dev - TEST_ONLY) - build
    assert not missing, f"./dev needs {missing}, the Containerfile's build stage lacks them"
    extra = build - dev
    assert not extra, f"the build stage installs {extra}, which ./dev does not"


def owner(path):
    path = os.path.realpath(path)
    for candidate in (path, path.replace("/usr/", "/", 1)):   # usrmerge
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    raise AssertionError(f"no package owns {path}")


@test
def containerfile_build_has_the_programs_meson_requires():
    _, build, _ = containerfile_stages()["build"]
    # The build packages and everything they pull in (as installed here).
    table = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"],
                           capture_output=True, text=True, check=True).stdout
    depends = {}
    for line in table.splitlines():
        pkg, _, deps = line.partition("\t")
        depends[pkg] = {d.strip().split()[0].split(":")[0]
                        for d in re.split(r"[,|]", deps) if d.strip()}
    provided, todo = set(), list(build)
    while todo:
        pkg = todo.pop()
        if pkg not in provided:
            provided.add(pkg)
            todo += depends.get(pkg, ())
    n = 0
    for path in glob.glob(os.path.join(root, "**", "meson.build"), recursive=True):
        if os.path.relpath(path, root).split(os.sep)[0].startswith("build"):
            continue
        with open(path) as f:
            text = f.read()
        for m in re.finditer(r"find_program\('([\w.-]+)'(.*?)\)", text):
            name, rest = m.group(1), m.group(2)
            if "required: false" in rest or name.endswith(".sh"):
                continue
            # Debian's copy, not one a user put first on PATH (pyenv, …).
            program = next((p for p in (f"/usr/bin/{name}", f"/usr/sbin/{name}")
                            if os.path.exists(p)), None) or shutil.which(name)
            assert program, f"{name} is not installed here"
            assert owner(program) in provided, \
                f"meson needs {name} ({owner(program)}), the build stage lacks it"
            n += 1
    assert n >= 3, n


@test
def containerfile_runtime_holds_what_the_binaries_link():
    stages = containerfile_stages()
    image, runtime, body = stages["worker"]
    assert image.startswith("docker.io/library/debian:12")
    assert re.search(r"^USER\s+10001", body, re.M), "runs as the manifests' non-root uid"
    assert re.search(r'^ENTRYPOINT\s+\[.*"/usr/bin/assay", "--worker"\]', body, re.M)
    assert "COPY deploy/assay-worker-alive /usr/bin/assay-worker-alive" in body
    assert binaries_present(), "needs the built assay and assay-pdf-reader"
    needed = set()
    for binary in (assay_binary, reader_binary):
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        direct = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(\S+)\]",
                                subprocess.run(["readelf", "-d", binary], capture_output=True,
                                               text=True, check=True).stdout))
        assert len(direct) >= 5, (binary, direct)
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (/\S+)", line)
            if m and m.group(1) in direct:
                needed.add(os.path.realpath(m.group(2)))
    assert len(needed) >= 10, needed
    owners = {lib: owner(lib) for lib in sorted(needed)}
    # Sanitizer builds link the sanitizers' runtimes; the image does not.
    missing = {lib: p for lib, p in owners.items()
               if p not in runtime | BASE and not re.match(r"lib(a|ub|l|t)san\d*$", p)}
    assert not missing, f"the runtime stage lacks {missing}"
    build_only = {p for p in runtime if p.endswith("-dev")}
    assert not build_only, build_only


def binaries_present():
    return bool(assay_binary and reader_binary and os.path.exists(assay_binary)
                and os.path.exists(reader_binary))


# ---------------------------------------------------------------- TAP runner

def main():
    print(f"1..{len(tests)}")
    failed = 0
    for i, fn in enumerate(tests, 1):
        try:
            fn()
            print(f"ok {i} - {fn.__name__}")
        except Exception as e:   # noqa: BLE001 — every failure is reported
            failed += 1
            print(f"not ok {i} - {fn.__name__}")
            for line in repr(e).splitlines() or [""]:
                print(f"# {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
