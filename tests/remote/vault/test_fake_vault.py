#!/usr/bin/env python3
"""Checks tests/remote/vault/fake_vault.py against a real Vault client, python3-hvac (Debian package):
hvac writes and reads through it and raises its own exception types for Vault's errors, so the
server's wire format is what real Vault clients expect. Python 3 standard library + hvac only.

No sleeps for synchronisation: each server is waited for through its "listening on" line and the
server clock is moved forward through its control endpoint instead of waiting for token TTLs."""
import json
import os
import pathlib
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import hvac
import hvac.exceptions
import requests

HERE = pathlib.Path(__file__).resolve().parent
FAKE_VAULT = HERE / "fake_vault.py"
ROOT_TOKEN = "root-token-value-3f9a"  # must never appear in the server's logs

# The client talks to 127.0.0.1 only; a proxy from the environment must not get in between.
for _var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
for _var in ("VAULT_ADDR", "VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_CACERT", "REQUESTS_CA_BUNDLE"):
    os.environ.pop(_var, None)


class FakeVault:
    """fake_vault.py as a child process, started and stopped by the test."""

    def __init__(self, tmpdir, config=None, args=(), ca_file=None):
        cmd = [sys.executable, str(FAKE_VAULT)]
        if config is not None:
            path = pathlib.Path(tmpdir) / "vault-config.json"
            path.write_text(json.dumps(config))
            cmd += ["--config", str(path)]
        cmd += list(args)
        self.stderr_path = pathlib.Path(tmpdir) / "fake_vault.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr)
        handlers = [urllib.request.ProxyHandler({})]
        if ca_file:
            handlers.append(urllib.request.HTTPSHandler(
                context=ssl.create_default_context(cafile=ca_file)))
        self._opener = urllib.request.build_opener(*handlers)
        self._clients = []
        self.url = self._wait_listening(deadline=time.monotonic() + 10)

    def _wait_listening(self, deadline):
        line = b""
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.proc.poll() is not None:
                self.stop()
                raise AssertionError("fake_vault did not start: %r\n%s" % (
                    line, self.stderr_path.read_text(errors="replace")))
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1)
                if not chunk:
                    continue
                line += chunk
        text = line.decode().strip()
        assert text.startswith("listening on "), text
        return text[len("listening on "):]

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with self._opener.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def client(self, token=ROOT_TOKEN, **kwargs):
        c = hvac.Client(url=self.url, token=token, timeout=kwargs.pop("timeout", 5), **kwargs)
        self._clients.append(c)
        return c

    def stop(self):
        for c in self._clients:
            c.adapter.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()
        return self.proc.returncode


BASE_CONFIG = {
    "mounts": {"secret": 2, "kv": 1},
    "secrets": [{"mount": "secret", "path": "steward/default/db", "data": {"password": "one"}},
                {"mount": "kv", "path": "legacy/api", "data": {"key": "v1-value"}}],
    "tokens": [{"id": ROOT_TOKEN, "ttl": 0},
               {"id": "short-lived-token", "ttl": 30, "max_ttl": 60, "renewable": True}],
    "approle": [{"role_id": "role-steward", "secret_id": "secret-steward",
                 "token_ttl": 20, "token_max_ttl": 40}],
}


class ServerTest(unittest.TestCase):
    config = BASE_CONFIG
    args = ()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fake-vault-test-")
        self.vault = FakeVault(self.tmp, self.config, self.args)

    def tearDown(self):
        rc = self.vault.stop()
        log = self.vault.stderr_path.read_text(errors="replace")
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.assertEqual(rc, 0, "fake_vault should exit 0 on SIGTERM")
        for secret in (ROOT_TOKEN, "short-lived-token", "secret-steward"):
            self.assertNotIn(secret, log, "a credential leaked into the server log")


class KvTest(ServerTest):
    def test_kv2_read_initial_secret(self):
        resp = self.vault.client().secrets.kv.v2.read_secret_version(path="steward/default/db")
        self.assertEqual(resp["data"]["data"], {"password": "one"})
        self.assertEqual(resp["data"]["metadata"]["version"], 1)
        self.assertEqual(resp["lease_duration"], 0)
        self.assertTrue(resp["data"]["metadata"]["created_time"].endswith("Z"))

    def test_kv2_write_creates_increasing_versions(self):
        kv2 = self.vault.client().secrets.kv.v2
        first = kv2.create_or_update_secret(path="app/token", secret={"value": "a"})
        self.assertEqual(first["data"]["version"], 1)
        second = kv2.create_or_update_secret(path="app/token", secret={"value": "b"})
        self.assertEqual(second["data"]["version"], 2)
        latest = kv2.read_secret_version(path="app/token")
        self.assertEqual(latest["data"]["data"], {"value": "b"})
        self.assertEqual(latest["data"]["metadata"]["version"], 2)
        old = kv2.read_secret_version(path="app/token", version=1)
        self.assertEqual(old["data"]["data"], {"value": "a"})
        meta = kv2.read_secret_metadata(path="app/token")
        self.assertEqual(meta["data"]["current_version"], 2)
        with self.assertRaises(hvac.exceptions.InvalidRequest):  # check-and-set mismatch
            kv2.create_or_update_secret(path="app/token", secret={"value": "c"}, cas=1)

    def test_kv2_missing_path_is_invalid_path(self):
        with self.assertRaises(hvac.exceptions.InvalidPath) as cm:
            self.vault.client().secrets.kv.v2.read_secret_version(path="no/such/secret")
        self.assertEqual(cm.exception.errors, [])

    def test_kv1_read_write(self):
        kv1 = self.vault.client().secrets.kv.v1
        resp = kv1.read_secret(path="legacy/api", mount_point="kv")
        self.assertEqual(resp["data"], {"key": "v1-value"})
        self.assertGreater(resp["lease_duration"], 0)
        kv1.create_or_update_secret(path="legacy/new", secret={"k": "x"}, mount_point="kv")
        kv1.create_or_update_secret(path="legacy/new", secret={"k": "y"}, mount_point="kv")
        self.assertEqual(kv1.read_secret(path="legacy/new", mount_point="kv")["data"], {"k": "y"})
        with self.assertRaises(hvac.exceptions.InvalidPath):
            kv1.read_secret(path="legacy/none", mount_point="kv")

    def test_rotation_through_control_endpoint(self):
        kv2 = self.vault.client().secrets.kv.v2
        out = self.vault.control("POST", "/_test/secret", {
            "mount": "secret", "path": "steward/default/db", "data": {"password": "two"}})
        self.assertEqual(out["version"], 2)
        self.vault.control("POST", "/_test/fault", {
            "mode": "rotate", "mount": "secret", "path": "steward/default/db",
            "data": {"password": "three"}})
        resp = kv2.read_secret_version(path="steward/default/db")
        self.assertEqual(resp["data"]["data"], {"password": "three"})
        self.assertEqual(resp["data"]["metadata"]["version"], 3)
        state = self.vault.control("GET", "/_test/state")
        self.assertEqual(state["secrets"]["secret/steward/default/db"], 3)

    def test_v1_style_path_on_v2_mount_is_invalid_path(self):
        with self.assertRaises(hvac.exceptions.InvalidPath):
            self.vault.client().secrets.kv.v1.read_secret(path="steward/default/db")

    def test_unknown_or_missing_token_is_forbidden(self):
        with self.assertRaises(hvac.exceptions.Forbidden) as cm:
            self.vault.client(token="not-a-token").secrets.kv.v2.read_secret_version(
                path="steward/default/db")
        self.assertEqual(cm.exception.errors, ["permission denied"])
        with self.assertRaises(hvac.exceptions.Forbidden):
            self.vault.client(token=None).secrets.kv.v2.read_secret_version(
                path="steward/default/db")


class TokenTest(ServerTest):
    def test_lookup_self_root_token(self):
        data = self.vault.client().auth.token.lookup_self()["data"]
        self.assertEqual(data["ttl"], 0)
        self.assertIsNone(data["expire_time"])
        self.assertFalse(data["renewable"])
        self.assertTrue(self.vault.client().is_authenticated())
        self.assertFalse(self.vault.client(token="nope").is_authenticated())

    def test_lookup_renew_and_max_ttl(self):
        client = self.vault.client(token="short-lived-token")
        data = client.auth.token.lookup_self()["data"]
        self.assertTrue(data["renewable"])
        self.assertEqual(data["creation_ttl"], 30)
        self.assertTrue(28 <= data["ttl"] <= 30, data["ttl"])
        self.assertIsNotNone(data["expire_time"])

        renewed = client.auth.token.renew_self(increment=40)["auth"]
        self.assertEqual(renewed["client_token"], "short-lived-token")
        self.assertTrue(renewed["renewable"])
        self.assertTrue(38 <= renewed["lease_duration"] <= 40, renewed)

        self.vault.control("POST", "/_test/clock", {"advance_s": 25})
        ttl = client.auth.token.lookup_self()["data"]["ttl"]
        self.assertTrue(13 <= ttl <= 15, ttl)
        # Past the max TTL a renewal is capped, with Vault's warning.
        capped = client.auth.token.renew_self(increment="100s")
        self.assertTrue(33 <= capped["auth"]["lease_duration"] <= 35, capped["auth"])
        self.assertTrue(any("max_ttl" in w for w in capped["warnings"]), capped["warnings"])

        # At the max TTL the token is gone: lookups and renewals are refused.
        self.vault.control("POST", "/_test/clock", {"advance_s": 40})
        with self.assertRaises(hvac.exceptions.Forbidden):
            client.auth.token.lookup_self()
        with self.assertRaises(hvac.exceptions.Forbidden):
            client.auth.token.renew_self()
        state = self.vault.control("GET", "/_test/state")
        short = [t for t in state["tokens"] if t["renewable"]]
        self.assertEqual([t["renewals"] for t in short], [2])
        self.assertTrue(short[0]["expired"])

    def test_root_token_is_not_renewable(self):
        with self.assertRaises(hvac.exceptions.InvalidRequest):
            self.vault.client().auth.token.renew_self()

    def test_expire_tokens_fault(self):
        client = self.vault.client()
        client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        self.vault.control("POST", "/_test/fault", {"mode": "expire_tokens"})
        with self.assertRaises(hvac.exceptions.Forbidden):
            client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        with self.assertRaises(hvac.exceptions.Forbidden):
            client.auth.token.renew_self()

    def test_approle_login_and_relogin(self):
        client = self.vault.client(token=None)
        auth = client.auth.approle.login(role_id="role-steward", secret_id="secret-steward")
        self.assertTrue(auth["auth"]["renewable"])
        self.assertEqual(auth["auth"]["lease_duration"], 20)
        first = auth["auth"]["client_token"]
        self.assertEqual(client.token, first)  # hvac adopted the new token
        resp = client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        self.assertEqual(resp["data"]["data"]["password"], "one")
        self.assertEqual(client.auth.token.lookup_self()["data"]["path"], "auth/approle/login")

        self.vault.control("POST", "/_test/clock", {"advance_s": 45})  # past its max TTL
        with self.assertRaises(hvac.exceptions.Forbidden):
            client.auth.token.renew_self()
        again = client.auth.approle.login(role_id="role-steward", secret_id="secret-steward")
        self.assertNotEqual(again["auth"]["client_token"], first)
        client.secrets.kv.v2.read_secret_version(path="steward/default/db")

        with self.assertRaises(hvac.exceptions.InvalidRequest):
            self.vault.client(token=None).auth.approle.login(
                role_id="role-steward", secret_id="wrong")
        with self.assertRaises(hvac.exceptions.InvalidRequest):
            self.vault.client(token=None).auth.approle.login(role_id="nobody", secret_id="x")


class FaultTest(ServerTest):
    def read(self, client=None):
        return (client or self.vault.client()).secrets.kv.v2.read_secret_version(
            path="steward/default/db")

    def fault(self, **body):
        return self.vault.control("POST", "/_test/fault", body)

    def test_sealed_is_vault_down(self):
        self.fault(mode="sealed")
        with self.assertRaises(hvac.exceptions.VaultDown) as cm:
            self.read()
        self.assertEqual(cm.exception.errors, ["Vault is sealed"])
        self.assertTrue(self.vault.client().sys.is_sealed())
        self.fault(mode="none")
        self.assertFalse(self.vault.client().sys.is_sealed())
        self.assertEqual(self.read()["data"]["data"]["password"], "one")

    def test_forbidden_missing_rate_limited(self):
        cases = [("forbidden", hvac.exceptions.Forbidden),
                 ("missing", hvac.exceptions.InvalidPath),
                 ("rate_limited", hvac.exceptions.RateLimitExceeded)]
        for mode, exc in cases:
            with self.subTest(mode=mode):
                self.fault(mode=mode)
                with self.assertRaises(exc) as cm:
                    self.read()
                if mode == "missing":
                    self.assertEqual(cm.exception.errors, [])  # Vault's body for "not found"
        self.fault(mode="none")
        self.read()

    def test_fault_count_and_path_prefix(self):
        self.fault(mode="sealed", count=2)
        for _ in range(2):
            with self.assertRaises(hvac.exceptions.VaultDown):
                self.read()
        self.read()  # recovered by itself
        self.fault(mode="forbidden", path_prefix="auth/token/")
        self.read()
        with self.assertRaises(hvac.exceptions.Forbidden):
            self.vault.client().auth.token.lookup_self()

    def test_methods_fault_is_a_read_only_policy(self):
        self.fault(mode="forbidden", path_prefix="secret/data/", methods=["post", "put"])
        kv2 = self.vault.client().secrets.kv.v2
        self.read()
        self.assertEqual(kv2.read_secret_metadata(path="steward/default/db")["data"]["current_version"], 1)
        with self.assertRaises(hvac.exceptions.Forbidden):
            kv2.create_or_update_secret(path="steward/default/db", secret={"password": "two"})
        self.fault(mode="none")
        kv2.create_or_update_secret(path="steward/default/db", secret={"password": "two"})

    def test_rollback_as_vault_kv_rollback_does_it(self):
        # `vault kv rollback -version=1`: read version 1, write it back with cas on the current.
        kv2 = self.vault.client().secrets.kv.v2
        kv2.create_or_update_secret(path="steward/default/db", secret={"password": "two"})
        current = kv2.read_secret_metadata(path="steward/default/db")["data"]["current_version"]
        old = kv2.read_secret_version(path="steward/default/db", version=1)["data"]["data"]
        written = kv2.create_or_update_secret(path="steward/default/db", secret=old, cas=current)
        self.assertEqual(written["data"]["version"], 3)
        self.assertEqual(self.read()["data"]["data"], {"password": "one"})
        versions = kv2.read_secret_metadata(path="steward/default/db")["data"]["versions"]
        self.assertEqual(sorted(versions), ["1", "2", "3"])
        self.assertTrue(all(v["deletion_time"] == "" and not v["destroyed"] for v in versions.values()))

    def test_drop_closes_the_connection(self):
        self.fault(mode="drop")
        with self.assertRaises(requests.exceptions.ConnectionError):
            self.read()
        self.fault(mode="none")
        self.read()

    def test_slow_times_out_and_does_not_block_others(self):
        self.fault(mode="slow", delay_ms=3000, path_prefix="secret/")
        start = time.monotonic()
        errors = []

        def slow_read():
            try:
                self.read(self.vault.client(timeout=0.5))
            except Exception as exc:  # noqa: BLE001 -- the type is what is checked
                errors.append(exc)
        t = threading.Thread(target=slow_read)
        t.start()
        # While the slow read is pending, other requests are answered at once.
        self.assertTrue(self.vault.client().is_authenticated())
        t.join(timeout=10)
        self.assertLess(time.monotonic() - start, 3.0)
        self.assertEqual(len(errors), 1)
        self.assertIsInstance(errors[0], requests.exceptions.Timeout)
        self.fault(mode="none")

    def test_request_log(self):
        self.vault.control("DELETE", "/_test/requests")
        self.read()
        with self.assertRaises(hvac.exceptions.Forbidden):
            self.read(self.vault.client(token=None))
        reqs = self.vault.control("GET", "/_test/requests")["requests"]
        self.assertEqual([(r["method"], r["path"], r["token"], r["status"]) for r in reqs],
                         [("GET", "/v1/secret/data/steward/default/db", True, 200),
                          ("GET", "/v1/secret/data/steward/default/db", False, 403)])
        self.assertNotIn(ROOT_TOKEN, json.dumps(reqs))
        self.assertIsNotNone(reqs[0]["accessor"])

    def test_unknown_fault_mode_is_rejected(self):
        with self.assertRaises(urllib.request.HTTPError) as cm:
            self.fault(mode="bogus")
        self.assertEqual(cm.exception.code, 400)


class NamespaceTest(ServerTest):
    args = ("--namespace", "team-a")

    def test_matching_namespace_header(self):
        client = self.vault.client(namespace="team-a")
        resp = client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        self.assertEqual(resp["data"]["data"]["password"], "one")
        client.auth.token.lookup_self()
        state = self.vault.control("GET", "/_test/state")
        self.assertEqual(state["namespace"], "team-a")
        self.assertEqual(state["last_namespace"], "team-a")
        reqs = self.vault.control("GET", "/_test/requests")["requests"]
        self.assertTrue(reqs and all(r["namespace"] == "team-a" for r in reqs), reqs)

        login = self.vault.client(token=None, namespace="team-a").auth.approle.login(
            role_id="role-steward", secret_id="secret-steward")
        self.assertIn("client_token", login["auth"])

    def test_namespace_as_path_prefix(self):
        resp = self.vault.client()._adapter.get("/v1/team-a/secret/data/steward/default/db")
        self.assertEqual(resp["data"]["data"]["password"], "one")

    def test_missing_or_wrong_namespace_is_forbidden(self):
        for ns in (None, "team-b"):
            with self.subTest(namespace=ns):
                client = self.vault.client(namespace=ns)
                with self.assertRaises(hvac.exceptions.Forbidden):
                    client.secrets.kv.v2.read_secret_version(path="steward/default/db")
                with self.assertRaises(hvac.exceptions.Forbidden):
                    self.vault.client(token=None, namespace=ns).auth.approle.login(
                        role_id="role-steward", secret_id="secret-steward")
        self.assertEqual(self.vault.control("GET", "/_test/state")["last_namespace"], "team-b")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=30)


@unittest.skipUnless(shutil.which("openssl"), "openssl not installed")
class TlsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fake-vault-tls-")
        d = self.tmp
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Steward Test CA", cwd=d)
        openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost", cwd=d)
        pathlib.Path(d, "ext.cnf").write_text(
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
                cwd=d)
        self.ca = os.path.join(d, "ca.pem")
        self.vault = FakeVault(d, BASE_CONFIG, ["--tls-cert", os.path.join(d, "server.pem"),
                                                "--tls-key", os.path.join(d, "server.key")],
                               ca_file=self.ca)

    def tearDown(self):
        self.assertEqual(self.vault.stop(), 0)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_client_with_ca_connects(self):
        self.assertTrue(self.vault.url.startswith("https://127.0.0.1:"), self.vault.url)
        client = self.vault.client(verify=self.ca)
        resp = client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        self.assertEqual(resp["data"]["data"]["password"], "one")

    def test_client_without_ca_refuses(self):
        client = self.vault.client()  # verify=True: the system CA bundle
        with self.assertRaises(requests.exceptions.SSLError):
            client.secrets.kv.v2.read_secret_version(path="steward/default/db")
        # The refused handshake did not hurt the server.
        self.assertTrue(self.vault.client(verify=self.ca).is_authenticated())

    def test_plain_http_to_tls_server_fails(self):
        client = self.vault.client()
        client.adapter.base_uri = self.vault.url.replace("https://", "http://")
        with self.assertRaises(Exception):
            client.secrets.kv.v2.read_secret_version(path="steward/default/db")


if __name__ == "__main__":
    unittest.main(verbosity=2)
