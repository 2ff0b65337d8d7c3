#!/usr/bin/env python3
"""ui-bundle benchmarks: Steward serving a ui-bundle's files and forwarding its /api calls.

With wrk (5 s per row, --latency): a 100 KB file from Steward's static server beside the same
file from `python3 -m http.server`, at 1 and 50 connections; and GET /api/hello through the
ui-bundle's proxy beside the API service (hello-service) asked directly, so the difference of
the medians is what the proxy costs per request. Prints Markdown table rows."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

UI_PORT = 47960
API_PORT = 47961
PY_PORT = 47962
FILE = "file-100k.bin"


def answers(port, path="/"):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2, source_address=("127.0.0.2", 0)) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            return s.recv(64).startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def wait_for(port, path="/", timeout=30.0):
    start = time.monotonic()
    while not answers(port, path):
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"127.0.0.1:{port}{path} does not answer after {timeout} s")
        time.sleep(0.01)


def bundle(workdir, service):
    site = os.path.join(workdir, "site")
    os.makedirs(site)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!doctype html><title>bench</title>")
    with open(os.path.join(site, FILE), "wb") as f:
        f.write(os.urandom(100 * 1024))
    args = ["--name", "api", "--port", "${api.http}"]
    doc = {"schema_version": "v0.1", "target": "desktop", "app": {"name": "bench-ui", "version": "1"},
           "ipc": {"mode": "loopback-http", "host": "127.0.0.1", "port": 47959, "auth_token_path": "runtime/token"},
           "telemetry": {"file": "telemetry.jsonl"},
           "services": [
               {"id": "api", "type": "api-binary",
                "binaries": {"linux-x64": {"path": service, "args": args}, "linux-arm64": {"path": service, "args": args}},
                "ports": {"requested": [{"name": "http", "range": {"min": API_PORT, "max": API_PORT}}]},
                "health": {"type": "http", "path": "/healthz", "port_name": "http"},
                "readiness": {"type": "health_success", "timeout_ms": 30000}},
               {"id": "ui", "type": "ui-bundle", "assets": [{"path": "site/index.html"}],
                "ports": {"requested": [{"name": "http", "range": {"min": UI_PORT, "max": UI_PORT}}]},
                "health": {"type": "http", "path": "/", "port_name": "http"},
                "readiness": {"type": "health_success", "timeout_ms": 30000},
                "dependencies": ["api"]}]}
    path = os.path.join(workdir, "bundle.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path, site


def ms(text):
    """wrk's latency ("512.00us", "1.20ms", "2.00s") in milliseconds."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def wrk(url, conns):
    run = subprocess.run(["wrk", "-t", "1" if conns == 1 else "2", "-c", str(conns), "-d", "5s", "--latency", url],
                         capture_output=True, text=True)
    out = run.stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk {url} ({conns} connections) gave no figures: {out} {run.stderr}")
    rps = float(next(l.split()[1] for l in out.splitlines() if l.startswith("Requests/sec")))
    latency = {l.split()[0]: ms(l.split()[1]) for l in out.splitlines()
               if l.strip().startswith(("50%", "99%"))}
    errors = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    return rps, latency["50%"], latency["99%"], errors


def note(who, errors):
    return f"; {who}: {', '.join(errors)}" if errors else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steward", required=True)
    ap.add_argument("--service", required=True)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("| ui-bundle | wrk not installed (apt-get install wrk) | |")
        return 0
    with tempfile.TemporaryDirectory() as d:
        path, site = bundle(d, args.service)
        log = open(os.path.join(d, "steward.log"), "w")
        steward = subprocess.Popen([args.steward, "--headless", "--manifest", path, "--app-data", os.path.join(d, "data")],
                                   stdout=log, stderr=subprocess.STDOUT)
        python = subprocess.Popen([sys.executable, "-m", "http.server", str(PY_PORT), "--bind", "127.0.0.1",
                                   "--directory", site], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(UI_PORT, "/" + FILE)
            wait_for(API_PORT, "/api/hello")
            wait_for(PY_PORT, "/" + FILE)
            for conns in (1, 50):
                plural = "s" if conns > 1 else ""
                s = wrk(f"http://127.0.0.1:{UI_PORT}/{FILE}", conns)
                p = wrk(f"http://127.0.0.1:{PY_PORT}/{FILE}", conns)
                print(f"| ui-bundle static 100 KB file, {conns} connection{plural} (wrk, 5 s): Steward / python3 -m http.server | "
                      f"{s[0]:.0f} / {p[0]:.0f} requests/s ({s[0] / p[0]:.1f}x), p99 {s[2]:.2f} / {p[2]:.2f} ms"
                      f"{note('Steward', s[3])}{note('python', p[3])} | Steward >= 5x python |")
            for conns in (1, 50):
                plural = "s" if conns > 1 else ""
                via = wrk(f"http://127.0.0.1:{UI_PORT}/api/hello", conns)
                direct = wrk(f"http://127.0.0.1:{API_PORT}/api/hello", conns)
                print(f"| ui-bundle GET /api/hello, {conns} connection{plural} (wrk, 5 s): through the proxy / the API directly | "
                      f"{via[0]:.0f} / {direct[0]:.0f} requests/s, p50 {via[1]:.3f} / {direct[1]:.3f} ms "
                      f"(+{via[1] - direct[1]:.3f} ms), p99 {via[2]:.2f} / {direct[2]:.2f} ms"
                      f"{note('proxy', via[3])}{note('direct', direct[3])} | "
                      f"proxy adds < 0.3 ms p50 |")
        except Exception:
            print(open(os.path.join(d, "steward.log")).read()[-3000:], file=sys.stderr)
            print(f"steward's exit status: {steward.poll()}", file=sys.stderr)
            raise
        finally:
            python.terminate()
            steward.send_signal(signal.SIGTERM)
            python.wait(timeout=30)
            steward.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
