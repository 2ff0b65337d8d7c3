#!/usr/bin/env python3
"""A Vault-compatible test server (Python 3 standard library only) for Steward's Vault tests.

It speaks HashiCorp Vault's HTTP API wire format for the subset Steward uses, so a real Vault
client (tests/remote/vault/test_fake_vault.py checks it with python3-hvac) cannot tell the difference:

  KV v2   GET  /v1/<mount>/data/<path>[?version=N]  -> {"data":{"data":{..},"metadata":{..}}, ...}
          POST|PUT /v1/<mount>/data/<path>  {"data":{..}, "options":{"cas":N}}  -> new version
          GET  /v1/<mount>/metadata/<path>           -> current_version, versions{...}
  KV v1   GET  /v1/<mount>/<path>                     -> {"data":{..}, "lease_duration":2764800, ...}
          POST|PUT /v1/<mount>/<path>  {..}           -> 204
  Token   GET  /v1/auth/token/lookup-self             -> {"data":{"ttl","creation_ttl","renewable",
                                                          "expire_time",...}}
          POST /v1/auth/token/renew-self {"increment"} -> {"auth":{"client_token","lease_duration",
                                                          "renewable",...}}
  AppRole POST /v1/auth/approle/login {"role_id","secret_id"} -> {"auth":{"client_token",...}}
  Sys     GET  /v1/sys/health, GET /v1/sys/seal-status, GET /v1/sys/mounts

Errors are Vault's: a JSON body {"errors":[...]} with Content-Type application/json;
403 {"errors":["permission denied"]} for a missing, unknown or expired token; 404 {"errors":[]}
for a secret that does not exist; 503 {"errors":["Vault is sealed"]} when sealed; 429 when
rate limited.

Tokens expire by the clock: a token has a ttl (seconds, 0 = never expires, like a root token) and
a max_ttl; renew-self extends the TTL to the requested increment (or the token's creation TTL) but
never past issue time + max_ttl -- like Vault, the renewed TTL is capped and a warning is added;
once the max TTL is reached the token is expired and every use, renewal included, gets 403.
The clock can be moved forward with POST /_test/clock so tests need not wait.

Namespaces (Vault Enterprise): with --namespace NS (or "namespace" in the config) every mount,
token and AppRole lives inside NS. Real Vault resolves the namespace of a request from the
X-Vault-Namespace header joined with any leading path segments (/v1/NS/secret/data/x works
too). A request resolving to another namespace (e.g. the root one, no header) finds neither the
token nor the mounts: Vault checks the token before routing, so it answers
403 {"errors":["permission denied"]} -- for login paths as well, because in the root namespace
auth/approle/login is not a known unauthenticated path and an empty token is refused. That is
what this server does. Without a configured namespace the header is ignored (Vault OSS
behaviour) but still recorded. The last header seen is in GET /_test/state.

Test control (NOT under /v1, never affected by faults, no token needed):
  POST /_test/fault {"mode": M, "delay_ms": N, "count": N, "path_prefix": "secret/"}
       M is one of
         none          clear the fault
         sealed        503 {"errors":["Vault is sealed"]} (sys/health and sys/seal-status say sealed)
         forbidden     403 {"errors":["permission denied"]}
         missing       404 {"errors":[]}
         slow          wait delay_ms (default 2000) before answering normally
         drop          close the connection without answering
         rate_limited  429 {"errors":["request path \"..\": rate limit quota exceeded"]}
         expire_tokens one-shot: every current token expires now (the fault mode is unchanged)
         rotate        one-shot: {"mount","path","data"} written as a new version (as below)
       count: the fault applies to that many /v1 requests, then clears itself (default: until
       cleared); path_prefix: only /v1 paths (without "/v1/") starting with it are affected
       (default: all except sys/health and sys/seal-status, which report sealed state instead;
       with a path_prefix, "sealed" answers 503 only there, a partial outage Vault cannot have);
       methods: only requests with these methods are affected, e.g. "forbidden" for ["POST",
       "PUT"] under "secret/data/" is a token whose policy may read but not write there.
  GET  /_test/fault                 the current fault
  POST /_test/secret {"mount","path","data"}   write a new version (KV v2) / replace (KV v1);
                                              answers {"version": N}
  POST /_test/token {"ttl":60,"max_ttl":120,"renewable":true,"id":optional} -> {"token","accessor"}
  POST /_test/expire_tokens         every current token expires now
  POST /_test/clock {"advance_s": N} move the server clock forward (token expiry only)
  GET  /_test/requests              [{"method","path","namespace","token":bool,"accessor","status"}]
                                    (token presence and the token's accessor, never its value)
  DELETE /_test/requests            clear that list
  GET  /_test/state                 namespace, last_namespace, fault, tokens (accessor, ttl,
                                    expired, renewals, path), secret versions, request count

Config file (--config FILE), every key optional:
  {
    "namespace": "team-a",                       # absent/"" = no namespace (Vault OSS)
    "mounts": {"secret": 2, "kv": 1},            # mount -> KV version; default {"secret": 2}
    "secrets": [                                 # initial data, version 1 for KV v2
      {"mount": "secret", "path": "steward/default/db", "data": {"password": "s3cret"}}
    ],
    "tokens": [                                  # ttl 0 = never expires (like a root token)
      {"id": "root-token", "ttl": 0},
      {"id": "short", "ttl": 30, "max_ttl": 60, "renewable": true}
    ],
    "approle": [                                 # roles for auth/approle/login
      {"role_id": "rid", "secret_id": "sid", "token_ttl": 60, "token_max_ttl": 120}
    ]
  }
Command line: --host (127.0.0.1), --port (0 = ephemeral), --config, --namespace, --kv1 MOUNT,
--kv2 MOUNT (repeatable, add mounts), --token ID (a non-expiring token), --tls-cert/--tls-key
(serve HTTPS), --quiet (no per-request log on stderr).

Once bound it prints exactly one line "listening on <url>" (actual port) to stdout and serves
until SIGTERM/SIGINT. Each request is handled on its own thread so a slow one blocks no other.
The per-request log on stderr carries method, path, namespace header, token presence and status,
never a token value.
"""
import argparse
import datetime
import json
import secrets as pysecrets
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KV1_LEASE_DURATION = 2764800  # Vault's default max lease TTL (768h) reported on KV v1 reads
NEVER = float("inf")
FAULT_MODES = {"none", "sealed", "forbidden", "missing", "slow", "drop", "rate_limited"}
ONE_SHOTS = {"expire_tokens", "rotate"}


def rfc3339(epoch: float) -> str:
    dt = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    # Vault (Go, RFC3339Nano) prints up to nine fraction digits; clients must cope with that.
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%09dZ" % (dt.microsecond * 1000)


def parse_duration(value, default: int) -> int:
    """Vault accepts durations as seconds (int or "30") or with a unit ("30s", "5m", "1h")."""
    if value is None or value == "":
        return default
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(float(text))


class ApiError(Exception):
    def __init__(self, status: int, errors, warnings=None):
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.warnings = warnings


def permission_denied():
    return ApiError(403, ["permission denied"])


class Token:
    def __init__(self, token_id, now, ttl, max_ttl, renewable, path, policies, meta=None):
        self.id = token_id
        self.accessor = "acc-" + pysecrets.token_hex(8)
        self.issue = now
        self.creation_ttl = ttl
        self.explicit_max_ttl = max_ttl
        self.renewable = renewable and ttl > 0
        self.expiry = now + ttl if ttl > 0 else NEVER
        self.max_expiry = now + max_ttl if ttl > 0 and max_ttl > 0 else NEVER
        self.path = path
        self.policies = policies
        self.meta = meta
        self.renewals = 0

    def ttl(self, now) -> int:
        return 0 if self.expiry == NEVER else max(0, int(round(self.expiry - now)))

    def expired(self, now) -> bool:
        return now >= self.expiry


class State:
    def __init__(self, namespace, mounts):
        self.lock = threading.Lock()
        self.namespace = namespace.strip("/")
        self.mounts = dict(mounts)  # mount -> 1 | 2
        self.kv = {}  # (mount, path) -> list of {"data","created","deleted"} (KV v1: one entry)
        self.tokens = {}  # id -> Token
        self.approles = []
        self.fault = {"mode": "none"}
        self.requests = []
        self.request_count = 0
        self.last_namespace = None
        self.clock_offset = 0.0

    def now(self) -> float:
        return time.time() + self.clock_offset

    # --- data, call with lock held ---
    def write(self, mount, path, data, cas=None):
        if mount not in self.mounts:
            raise ApiError(400, ["no such mount: %s" % mount])
        versions = self.kv.setdefault((mount, path.strip("/")), [])
        if cas is not None and self.mounts[mount] == 2 and int(cas) != len(versions):
            raise ApiError(
                400, ["check-and-set parameter did not match the current version"])
        entry = {"data": dict(data), "created": self.now()}
        if self.mounts[mount] == 1:
            versions[:] = [entry]
        else:
            versions.append(entry)
        return len(versions)

    def add_token(self, token_id=None, ttl=0, max_ttl=0, renewable=True, path="auth/token/create",
                  policies=None, meta=None):
        token_id = token_id or ("hvs." + pysecrets.token_urlsafe(24))
        tok = Token(token_id, self.now(), int(ttl), int(max_ttl), bool(renewable), path,
                    policies or (["root"] if int(ttl) == 0 else ["default"]), meta)
        self.tokens[token_id] = tok
        return tok

    def expire_all(self):
        now = self.now()
        for tok in self.tokens.values():
            tok.expiry = min(tok.expiry, now)
            tok.max_expiry = min(tok.max_expiry, now)


def envelope(data=None, auth=None, lease_duration=0, warnings=None):
    return {
        "request_id": str(uuid.uuid4()),
        "lease_id": "",
        "renewable": False,
        "lease_duration": lease_duration,
        "data": data,
        "wrap_info": None,
        "warnings": warnings,
        "auth": auth,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like Vault; every answer has a Content-Length
    disable_nagle_algorithm = True  # head and body go out in two writes: no 40 ms delayed-ACK wait
    server_version = "fake-vault"
    sys_version = ""

    # --- plumbing ---
    def log_message(self, fmt, *args):  # the default log would print the raw request line only
        pass

    @property
    def state(self) -> State:
        return self.server.state

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, ["failed to parse JSON input"])
        if not isinstance(body, dict):
            raise ApiError(400, ["failed to parse JSON input: not an object"])
        return body

    def send_json(self, status, obj):
        payload = b"" if obj is None else (json.dumps(obj) + "\n").encode()
        self.send_response(status)
        self.send_header("Cache-Control", "no-store")
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if status == 429:
            self.send_header("Retry-After", "1")
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)
        self.status_sent = status

    def send_error_json(self, err: ApiError):
        body = {"errors": err.errors}
        if err.warnings:
            body["warnings"] = err.warnings
        self.send_json(err.status, body)

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.status_sent = "dropped"

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_LIST(self):
        self.dispatch()

    def dispatch(self):
        self.status_sent = None
        url = urlsplit(self.path)
        try:
            if url.path.startswith("/_test/"):
                self.handle_control(url)
            elif url.path.startswith("/v1/"):
                self.handle_api(url)
            else:
                raise ApiError(404, [])
        except ApiError as err:
            self.send_error_json(err)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.status_sent = "client gone"

    # --- Vault API ---
    def handle_api(self, url):
        st = self.state
        rel = url.path[len("/v1/"):]
        ns_header = self.headers.get("X-Vault-Namespace")
        token_id = self.headers.get("X-Vault-Token") or ""
        entry = {"method": self.command, "path": url.path, "namespace": ns_header,
                 "token": bool(token_id), "accessor": None, "status": None}
        with st.lock:
            st.request_count += 1
            if ns_header is not None:
                st.last_namespace = ns_header
            tok = st.tokens.get(token_id)
            entry["accessor"] = tok.accessor if tok else None
            st.requests.append(entry)
            del st.requests[:-10000]
            fault = self.take_fault(rel)
        try:
            body = self.read_body() if self.command in ("POST", "PUT") else {}
            if fault is not None:
                mode = fault["mode"]
                if mode == "slow":
                    time.sleep(int(fault.get("delay_ms", 2000)) / 1000.0)
                elif mode == "drop":
                    self.drop()
                    return
                elif mode == "sealed":
                    raise ApiError(503, ["Vault is sealed"])
                elif mode == "forbidden":
                    raise permission_denied()
                elif mode == "missing":
                    raise ApiError(404, [])
                elif mode == "rate_limited":
                    raise ApiError(429, ['request path "%s": rate limit quota exceeded' % rel])
            self.route(rel, url, body, ns_header, token_id)
        except ApiError as err:
            self.send_error_json(err)
        finally:
            entry["status"] = self.status_sent
            self.log_line(entry)

    def log_line(self, entry):
        if not self.server.quiet:
            sys.stderr.write("fake_vault: %s %s ns=%s token=%s -> %s\n" % (
                entry["method"], entry["path"], entry["namespace"] or "-",
                "yes" if entry["token"] else "no", entry["status"]))
            sys.stderr.flush()

    def take_fault(self, rel):
        """The fault that applies to this request (lock held), counting it down."""
        f = self.state.fault
        mode = f.get("mode", "none")
        if mode == "none":
            return None
        prefix = f.get("path_prefix")
        if prefix is not None:
            if not rel.startswith(prefix.lstrip("/")):
                return None
        elif rel in ("sys/health", "sys/seal-status"):
            return None
        if "methods" in f and self.command not in f["methods"]:
            return None
        if "count" in f:
            f["count"] -= 1
            if f["count"] <= 0:
                self.state.fault = {"mode": "none"}
        return dict(f)

    def resolve_namespace(self, rel, ns_header):
        """Returns the path inside the server's namespace, or raises 403 (see the module doc)."""
        st = self.state
        if not st.namespace:
            return rel
        requested = (ns_header or "").strip("/")
        want = st.namespace
        if requested == want:
            return rel
        # The rest of the namespace may be given as leading path segments.
        prefix = want[len(requested):].strip("/") if (
            not requested or want.startswith(requested + "/")) else None
        if prefix and (rel == prefix or rel.startswith(prefix + "/")):
            return rel[len(prefix):].lstrip("/")
        raise permission_denied()

    def authenticate(self, token_id):
        """The valid token of this request (lock held), or 403."""
        st = self.state
        tok = st.tokens.get(token_id) if token_id else None
        if tok is None or tok.expired(st.now()):
            raise permission_denied()
        return tok

    def route(self, rel, url, body, ns_header, token_id):
        st = self.state
        method = self.command
        if rel == "sys/health" and method in ("GET", "HEAD"):
            return self.sys_health(url)
        if rel == "sys/seal-status" and method == "GET":
            return self.send_json(200, self.seal_status())
        rel = self.resolve_namespace(rel, ns_header)
        if rel == "auth/approle/login" and method in ("POST", "PUT"):
            return self.approle_login(body)
        with st.lock:
            tok = self.authenticate(token_id)
            if rel == "auth/token/lookup-self" and method == "GET":
                return self.send_json(200, envelope(data=self.lookup_data(tok)))
            if rel == "auth/token/renew-self" and method in ("POST", "PUT"):
                return self.renew_self(tok, body)
            if rel == "sys/mounts" and method == "GET":
                return self.send_json(200, envelope(data=self.mounts_data()))
            mount, _, sub = rel.partition("/")
            if mount not in st.mounts:
                raise ApiError(404, ['no handler for route "%s". route entry not found.' % rel])
            if st.mounts[mount] == 2:
                return self.kv2(mount, sub, url, body)
            return self.kv1(mount, sub, body)

    def sys_health(self, url):
        with self.state.lock:
            sealed = self.state.fault.get("mode") == "sealed"
        q = parse_qs(url.query)
        status = int(q.get("sealedcode", ["503"])[0]) if sealed else 200
        self.send_json(status, {
            "initialized": True, "sealed": sealed, "standby": False,
            "performance_standby": False, "replication_performance_mode": "disabled",
            "replication_dr_mode": "disabled", "server_time_utc": int(time.time()),
            "version": "1.15.0+fake", "cluster_name": "fake-vault", "cluster_id": "fake"})

    def seal_status(self):
        with self.state.lock:
            sealed = self.state.fault.get("mode") == "sealed"
        return {"type": "shamir", "initialized": True, "sealed": sealed, "t": 1, "n": 1,
                "progress": 0, "nonce": "", "version": "1.15.0+fake", "migration": False,
                "cluster_name": "fake-vault", "cluster_id": "fake", "recovery_seal": False,
                "storage_type": "inmem"}

    def mounts_data(self):
        return {"%s/" % m: {"type": "kv", "options": {"version": str(v)}, "description": "",
                            "accessor": "kv_%s" % m, "local": False, "seal_wrap": False,
                            "config": {"default_lease_ttl": 0, "max_lease_ttl": 0}}
                for m, v in self.state.mounts.items()}

    # --- auth ---
    def lookup_data(self, tok: Token):
        now = self.state.now()
        return {
            "accessor": tok.accessor,
            "creation_time": int(tok.issue),
            "creation_ttl": tok.creation_ttl,
            "display_name": "approle" if tok.path.startswith("auth/approle") else "token",
            "entity_id": "",
            "expire_time": None if tok.expiry == NEVER else rfc3339(tok.expiry),
            "explicit_max_ttl": tok.explicit_max_ttl,
            "id": tok.id,  # real Vault returns the token itself in lookup-self
            "issue_time": rfc3339(tok.issue),
            "last_renewal_time": None,
            "meta": tok.meta,
            "num_uses": 0,
            "orphan": True,
            "path": tok.path,
            "policies": tok.policies,
            "renewable": tok.renewable,
            "ttl": tok.ttl(now),
            "type": "service",
            "namespace_path": (self.state.namespace + "/") if self.state.namespace else "",
        }

    def auth_block(self, tok: Token, warnings_ttl=None):
        return {
            "client_token": tok.id,
            "accessor": tok.accessor,
            "policies": tok.policies,
            "token_policies": tok.policies,
            "metadata": tok.meta,
            "lease_duration": tok.ttl(self.state.now()),
            "renewable": tok.renewable,
            "entity_id": "",
            "token_type": "service",
            "orphan": True,
            "mfa_requirement": None,
            "num_uses": 0,
        }

    def renew_self(self, tok: Token, body):
        if not tok.renewable:
            raise ApiError(400, ["lease is not renewable"])
        now = self.state.now()
        increment = parse_duration(body.get("increment"), tok.creation_ttl)
        if increment <= 0:
            increment = tok.creation_ttl
        warnings = None
        new_expiry = now + increment
        if new_expiry > tok.max_expiry:
            new_expiry = tok.max_expiry
            warnings = ["TTL of %ds exceeded the effective max_ttl of %ds; TTL value is capped "
                        "accordingly" % (increment, int(round(tok.max_expiry - now)))]
        tok.expiry = new_expiry
        tok.renewals += 1
        self.send_json(200, envelope(auth=self.auth_block(tok), warnings=warnings))

    def approle_login(self, body):
        role_id = body.get("role_id")
        secret_id = body.get("secret_id")
        st = self.state
        with st.lock:
            role = next((r for r in st.approles if r.get("role_id") == role_id), None)
            if not role_id or role is None:
                raise ApiError(400, ["invalid role ID"])  # Vault: invalid role ID
            if role.get("secret_id") is not None and role.get("secret_id") != secret_id:
                raise ApiError(400, ["invalid secret id"])  # Vault: invalid secret id
            tok = st.add_token(ttl=parse_duration(role.get("token_ttl"), 3600),
                               max_ttl=parse_duration(role.get("token_max_ttl"), 0),
                               renewable=role.get("renewable", True), path="auth/approle/login",
                               policies=role.get("policies") or ["default"],
                               meta={"role_name": role.get("role_name", "steward")})
            if tok.max_expiry == NEVER and tok.expiry != NEVER:
                tok.max_expiry = tok.issue + 32 * 86400  # Vault's system max TTL (768h)
            self.send_json(200, envelope(auth=self.auth_block(tok)))

    # --- KV (lock held) ---
    def kv2(self, mount, sub, url, body):
        st = self.state
        kind, _, path = sub.partition("/")
        path = path.strip("/")
        if kind == "data" and path:
            if self.command == "GET":
                versions = st.kv.get((mount, path))
                if not versions:
                    raise ApiError(404, [])
                q = parse_qs(url.query)
                n = int(q.get("version", ["0"])[0] or 0) or len(versions)
                if n < 1 or n > len(versions):
                    raise ApiError(404, [])
                v = versions[n - 1]
                return self.send_json(200, envelope(data={
                    "data": v["data"], "metadata": self.version_meta(v, n)}))
            if self.command in ("POST", "PUT"):
                data = body.get("data")
                if not isinstance(data, dict):
                    raise ApiError(400, ["no data provided"])
                n = st.write(mount, path, data, (body.get("options") or {}).get("cas"))
                v = st.kv[(mount, path)][n - 1]
                return self.send_json(200, envelope(data=self.version_meta(v, n)))
        if kind == "metadata" and path and self.command == "GET":
            versions = st.kv.get((mount, path))
            if not versions:
                raise ApiError(404, [])
            return self.send_json(200, envelope(data={
                "cas_required": False, "created_time": rfc3339(versions[0]["created"]),
                "current_version": len(versions), "custom_metadata": None,
                "delete_version_after": "0s", "max_versions": 0, "oldest_version": 1,
                "updated_time": rfc3339(versions[-1]["created"]),
                "versions": {str(i + 1): {"created_time": rfc3339(v["created"]),
                                          "deletion_time": "", "destroyed": False}
                             for i, v in enumerate(versions)}}))
        # What Vault says for a KV v1-style path on a versioned mount.
        raise ApiError(404, [], warnings=[
            "Invalid path for a versioned K/V secrets engine. See the API docs for the "
            "appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for "
            "this operation."])

    @staticmethod
    def version_meta(v, n):
        return {"created_time": rfc3339(v["created"]), "custom_metadata": None,
                "deletion_time": "", "destroyed": False, "version": n}

    def kv1(self, mount, path, body):
        st = self.state
        path = path.strip("/")
        if not path:
            raise ApiError(405, ["unsupported operation"])
        if self.command == "GET":
            versions = st.kv.get((mount, path))
            if not versions:
                raise ApiError(404, [])
            return self.send_json(200, envelope(data=versions[-1]["data"],
                                                lease_duration=KV1_LEASE_DURATION))
        if self.command in ("POST", "PUT"):
            st.write(mount, path, body)
            return self.send_json(204, None)
        if self.command == "DELETE":
            st.kv.pop((mount, path), None)
            return self.send_json(204, None)
        raise ApiError(405, ["unsupported operation"])

    # --- test control ---
    def handle_control(self, url):
        st = self.state
        name = url.path[len("/_test/"):].strip("/")
        method = self.command
        body = self.read_body() if method in ("POST", "PUT") else {}
        with st.lock:
            if name == "fault" and method == "GET":
                return self.send_json(200, st.fault)
            if name == "fault" and method == "POST":
                mode = body.get("mode", "none")
                if mode == "expire_tokens":
                    st.expire_all()
                    return self.send_json(200, st.fault)
                if mode == "rotate":
                    return self.control_secret(body)
                if mode not in FAULT_MODES:
                    raise ApiError(400, ["unknown fault mode %r; known: %s" % (
                        mode, ", ".join(sorted(FAULT_MODES | ONE_SHOTS)))])
                fault = {"mode": mode}
                for key in ("delay_ms", "count"):
                    if key in body:
                        fault[key] = int(body[key])
                if "path_prefix" in body:
                    fault["path_prefix"] = str(body["path_prefix"])
                if "methods" in body:
                    fault["methods"] = [str(m).upper() for m in body["methods"]]
                st.fault = fault if mode != "none" else {"mode": "none"}
                return self.send_json(200, st.fault)
            if name == "secret" and method in ("POST", "PUT"):
                return self.control_secret(body)
            if name == "token" and method == "POST":
                tok = st.add_token(body.get("id"), parse_duration(body.get("ttl"), 0),
                                   parse_duration(body.get("max_ttl"), 0),
                                   body.get("renewable", True))
                return self.send_json(200, {"token": tok.id, "accessor": tok.accessor})
            if name == "expire_tokens" and method == "POST":
                st.expire_all()
                return self.send_json(200, {"expired": len(st.tokens)})
            if name == "clock" and method == "POST":
                st.clock_offset += float(body.get("advance_s", 0))
                return self.send_json(200, {"offset_s": st.clock_offset})
            if name == "requests" and method == "GET":
                return self.send_json(200, {"requests": list(st.requests)})
            if name == "requests" and method == "DELETE":
                st.requests.clear()
                return self.send_json(200, {"requests": []})
            if name == "state" and method == "GET":
                now = st.now()
                return self.send_json(200, {
                    "namespace": st.namespace or None,
                    "last_namespace": st.last_namespace,
                    "fault": st.fault,
                    "request_count": st.request_count,
                    "mounts": st.mounts,
                    "tokens": [{"accessor": t.accessor, "ttl": t.ttl(now),
                                "expired": t.expired(now), "renewable": t.renewable,
                                "renewals": t.renewals, "path": t.path}
                               for t in st.tokens.values()],
                    "secrets": {"%s/%s" % k: len(v) for k, v in st.kv.items()},
                })
        raise ApiError(404, ["unknown test control %s %s" % (method, url.path)])

    def control_secret(self, body):
        mount, path, data = body.get("mount"), body.get("path"), body.get("data")
        if not mount or not path or not isinstance(data, dict):
            raise ApiError(400, ['need {"mount", "path", "data": {...}}'])
        n = self.state.write(mount, path, data)
        return self.send_json(200, {"version": n})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, state, tls_context, quiet):
        self.state = state
        self.tls_context = tls_context
        self.quiet = quiet
        super().__init__(addr, Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, on the request's own thread, so a client that never
        # completes it cannot stall the accept loop.
        if self.tls_context is not None:
            try:
                request.settimeout(30)
                request = self.tls_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError) as exc:
                if not self.quiet:
                    sys.stderr.write("fake_vault: TLS handshake failed: %s\n" % exc)
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        sys.stderr.write("fake_vault: error on a connection: %r\n" % (exc,))


def load_state(args) -> State:
    cfg = {}
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            cfg = json.load(f)
    mounts = {k: int(v) for k, v in (cfg.get("mounts") or {"secret": 2}).items()}
    for m in args.kv1 or []:
        mounts[m] = 1
    for m in args.kv2 or []:
        mounts[m] = 2
    namespace = args.namespace if args.namespace is not None else (cfg.get("namespace") or "")
    st = State(namespace, mounts)
    for s in cfg.get("secrets") or []:
        st.write(s["mount"], s["path"], s["data"])
    for t in cfg.get("tokens") or []:
        st.add_token(t.get("id"), parse_duration(t.get("ttl"), 0),
                     parse_duration(t.get("max_ttl"), 0), t.get("renewable", True),
                     policies=t.get("policies"))
    for t in args.token or []:
        st.add_token(t, 0, 0, False)
    st.approles = list(cfg.get("approle") or [])
    return st


def main() -> int:
    ap = argparse.ArgumentParser(description="Vault-compatible test server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--config")
    ap.add_argument("--namespace")
    ap.add_argument("--kv1", action="append", metavar="MOUNT")
    ap.add_argument("--kv2", action="append", metavar="MOUNT")
    ap.add_argument("--token", action="append", metavar="ID")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")

    ctx = None
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.tls_cert, args.tls_key)

    server = Server((args.host, args.port), load_state(args), ctx, args.quiet)
    host, port = server.server_address[:2]
    if ":" in host:
        host = "[%s]" % host
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                               daemon=True)
    serving.start()
    print("listening on %s://%s:%d" % ("https" if ctx else "http", host, port), flush=True)
    while not stop.wait(1.0):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
