#!/usr/bin/env python3
"""Start-up and weight of a headless Steward (issue 17's rows).

- exec -> control API answering: from just before exec until GET /healthz answers 200.
- RSS headless with the example bundle ready: the example's api_token is given through
  POST /secrets, then VmRSS of the steward process once /readyz says ready.
- Steward's own overhead on a chain of two services: exec -> both answering under Steward,
  minus the same two services started by hand, the second once the first answers.
Prints Markdown table rows, medians of --runs."""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_supervision import BASE_PORT, healthy, shutdown, steward_bundle, wait_all

EXAMPLE_PORT = 47810


def get(port, path, token=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(f"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def example_run(steward, bundle):
    """(exec -> /healthz answering, RSS in KiB once the example is ready)"""
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        t0 = time.monotonic()
        proc = subprocess.Popen([steward, "--headless", "--manifest", os.path.join(bundle, "bundle.json"),
                                 "--app-data", data], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not answers(EXAMPLE_PORT):
                if time.monotonic() - t0 > 30:
                    raise RuntimeError("the control API did not answer within 30 s")
                time.sleep(0.0005)
            api = time.monotonic() - t0
            token = open(os.path.join(data, "runtime", "auth-token")).read().strip()
            deadline = time.monotonic() + 30
            while True:  # 503 while the keychain is being read
                status, _ = get(EXAMPLE_PORT, "/secrets", token, "POST",
                                json.dumps({"id": "api_token", "value": "bench_0123456789abcdefghij"}))
                if status == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"POST /secrets answered {status}")
                time.sleep(0.01)
            while json.loads(get(EXAMPLE_PORT, "/readyz", token)[1]).get("ready") is not True:
                if time.monotonic() > deadline:
                    raise RuntimeError("the example was not ready within 30 s")
                time.sleep(0.01)
            with open(f"/proc/{proc.pid}/status") as f:
                rss = int(next(l.split()[1] for l in f if l.startswith("VmRSS:")))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return api, rss


def chain_by_hand(service):
    ports = [BASE_PORT, BASE_PORT + 1]
    t0 = time.monotonic()
    procs = []
    try:
        for i, port in enumerate(ports):
            procs.append(subprocess.Popen([service, "--name", f"s{i}", "--port", str(port)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_all([port])
        return time.monotonic() - t0
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        while any(healthy(p) for p in ports):
            time.sleep(0.001)


def chain_under_steward(steward, service):
    ports = [BASE_PORT, BASE_PORT + 1]
    with tempfile.TemporaryDirectory() as d:
        bundle = steward_bundle(d, service, True, count=2)
        t0 = time.monotonic()
        proc = subprocess.Popen([steward, "--headless", "--manifest", bundle, "--app-data", os.path.join(d, "data")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_all(ports)
        elapsed = time.monotonic() - t0
        shutdown(proc, ports)
        return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steward", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--bundle", required=True, help="the example bundle's folder")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    example = [example_run(args.steward, args.bundle) for _ in range(args.runs)]
    api = statistics.median(e[0] for e in example)
    rss = statistics.median(e[1] for e in example) / 1024
    by_hand = [chain_by_hand(args.service) for _ in range(args.runs)]
    steward = [chain_under_steward(args.steward, args.service) for _ in range(args.runs)]
    intrinsic, supervised = statistics.median(by_hand), statistics.median(steward)
    runs = f"median of {args.runs}"
    print(f"| exec -> control API answering (GET /healthz), example bundle | {api * 1000:.1f} ms ({runs}) | < 25 ms |")
    print(f"| RSS of headless steward, example bundle ready | {rss:.1f} MiB ({runs}) | < 13 MiB |")
    print(f"| chain of two services: exec -> both answering, by hand / under Steward; Steward's overhead | "
          f"{intrinsic * 1000:.0f} ms / {supervised * 1000:.0f} ms; {(supervised - intrinsic) * 1000:+.0f} ms ({runs}) | overhead < 10 ms |")


if __name__ == "__main__":
    sys.exit(main())
