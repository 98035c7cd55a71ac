"""A stand-in for a SPARQL 1.1 Graph Store Protocol server, for tests: 127.0.0.1, a free port.

Modelled on Virtuoso 7.2's ``/sparql-graph-crud-auth`` as it answers (captured from
Debian's virtuoso-opensource 7.2.5 with curl): a request without valid Digest credentials
gets, right after its headers (``100 Continue`` first when the client sent ``Expect``),

    HTTP/1.1 401 Unauthorized
    Connection: close
    WWW-Authenticate: Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="...",
        opaque="...", stale="false", qop="auth", algorithm="MD5"
    Content-Length: 0

and the connection is closed with the body unread, so a client still sending a large body
gets ``Connection reset by peer``. With valid credentials (MD5, qop=auth; a nonce may be
reused with a growing nc, as Virtuoso allows) PUT replaces a graph (201 new, 200 replaced),
POST adds to it, GET returns it as N-Triples, HEAD says whether it exists (200/404);
a body that does not parse gets 500 with the parser's message. ``auth="basic"`` checks
Basic credentials instead (Oxigraph or Fuseki behind a proxy), ``auth=None`` none.

Hostile behaviours, for attack tests: ``nonce_uses`` (a nonce goes stale after that many
requests, answered 401 ``stale="true"``), ``redirect`` (writes answered ``302`` to that URL),
``redirect_from`` (only from the n-th write on, counting from 1), ``fail_writes`` (the n-th write, counting from 1, gets that status), ``echo`` (every error
repeats the request's headers, credentials included), ``silent`` (requests are read and
never answered, for that many seconds), ``trickle`` (a write is read, then its answer sent one
header byte every that many seconds, for a minute).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

MEDIA = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
         "application/rdf+xml": ox.RdfFormat.RDF_XML}
REALM, OPAQUE = "SPARQL", "5ebe2294ecd0e0f08eab7690d2a6ee69"
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class GraphStoreServer(ThreadingHTTPServer):
    """The server and its state: graphs (an Oxigraph memory store), issued nonces, request log."""

    daemon_threads = True

    def __init__(self, users: dict[str, str] | None = None, auth: str | None = "digest", path: str = "/sparql-graph-crud-auth",
                 **behaviour: Any) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.users, self.auth, self.path = dict(users or {}), auth, path
        self.behaviour = behaviour
        self.store = ox.Store()
        self.nonces: dict[str, int] = {}  # nonce -> requests answered with it
        self.requests: list[dict[str, Any]] = []  # method, target, headers, body bytes read, status
        self.writes = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.path}"

    def __enter__(self) -> "GraphStoreServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
        self.server_close()

    def triples(self, graph: str) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def graphs(self) -> dict[str, int]:
        return {g.value: self.triples(g.value) for g in self.store.named_graphs()}

    def challenge(self, stale: bool = False) -> str:
        nonce = secrets.token_hex(16)
        with self.lock:
            self.nonces[nonce] = 0
        return (f'Digest realm="{REALM}", domain="{self.path}", nonce="{nonce}", opaque="{OPAQUE}", '
                f'stale="{"true" if stale else "false"}", qop="auth", algorithm="MD5"')

    def authorized(self, method: str, target: str, header: str | None) -> bool | str:
        """True, False, or "stale" (a known nonce used up)."""
        if self.auth is None:
            return True
        if not header:
            return False
        if self.auth == "basic":
            scheme, _, token = header.partition(" ")
            user, _, password = base64.b64decode(token).decode().partition(":") if scheme == "Basic" else ("", "", "")
            return user in self.users and self.users[user] == password
        if not header.startswith("Digest "):
            return False
        p = {k: re.sub(r"\\(.)", r"\1", q) if q else b for k, q, b in _PARAM.findall(header[7:])}
        if p.get("username") not in self.users or p.get("uri") != target or p.get("qop") != "auth":
            return False
        def h(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = h(f"{p['username']}:{REALM}:{self.users[p['username']]}")
        expected = h(f"{ha1}:{p.get('nonce')}:{p.get('nc')}:{p.get('cnonce')}:auth:{h(f'{method}:{target}')}")
        with self.lock:
            if p.get("nonce") not in self.nonces or p.get("response") != expected:
                return False
            self.nonces[p["nonce"]] += 1
            if self.nonces[p["nonce"]] > self.behaviour.get("nonce_uses", 1 << 30):
                return "stale"
        return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: GraphStoreServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        server, b = self.server, self.server.behaviour
        entry = {"method": self.command, "target": self.path, "headers": dict(self.headers), "body": 0}
        self.close_connection = True  # one request a connection; a body left unread is never parsed as a request
        with server.lock:
            server.requests.append(entry)
        if b.get("silent"):
            time.sleep(b["silent"])
            return
        url = urlsplit(self.path)
        if url.path != server.path:
            return self._answer(entry, 404, b"no such service")
        allowed = server.authorized(self.command, self.path, self.headers.get("Authorization"))
        if allowed is not True:  # before reading any body, as Virtuoso does
            entry["status"] = 401
            self.send_response(401)
            self.send_header("Connection", "close")
            self.send_header("Content-Type", "text/html; charset=ISO-8859-1")
            if server.auth == "basic":
                self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
            else:
                self.send_header("WWW-Authenticate", server.challenge(stale=allowed == "stale"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        graph = parse_qs(url.query).get("graph", [None])[0]
        try:
            node = ox.NamedNode(graph) if graph else None
        except ValueError:
            return self._answer(entry, 400, b"bad graph IRI")
        if self.command in ("HEAD", "GET"):
            if node is None or not server.store.contains_named_graph(node):
                return self._answer(entry, 404, b"")
            data = ox.serialize(server.store.quads_for_pattern(None, None, None, node),
                                format=ox.RdfFormat.N_QUADS)
            return self._answer(entry, 200, data, "application/n-quads")
        with server.lock:
            server.writes += 1
            number = server.writes
        if "redirect" in b and number >= b.get("redirect_from", 1):
            self.send_response(302)
            self.send_header("Location", b["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            entry["status"] = 302
            return
        if number in b.get("fail_writes", {}):
            return self._answer(entry, b["fail_writes"][number], b"write refused")
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        entry["body"] = len(body)
        if b.get("trickle"):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(int(60 / b["trickle"])):
                time.sleep(b["trickle"])
                try:
                    self.wfile.write(b"z")
                    self.wfile.flush()
                except OSError:
                    return
            return
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if node is None or media not in MEDIA:
            return self._answer(entry, 400, b"graph parameter and an RDF media type required")
        scratch = ox.Store()
        try:
            scratch.load(body, format=MEDIA[media], to_graph=node)
        except SyntaxError as exc:
            return self._answer(entry, 500, f"RDF loader: {exc}".encode())
        with server.lock:
            existed = server.store.contains_named_graph(node)
            if self.command == "PUT" and existed:
                server.store.remove_graph(node)
            server.store.extend(scratch)
        self._answer(entry, 200 if existed else 201, b"")

    def _answer(self, entry: dict[str, Any], status: int, body: bytes, media: str = "text/plain") -> None:
        entry["status"] = status
        if status >= 400 and self.server.behaviour.get("echo"):
            body += b"\nyou sent:\n" + "".join(f"{k}: {v}\n" for k, v in self.headers.items()).encode()
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
