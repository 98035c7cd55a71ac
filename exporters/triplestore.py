"""``pfocr-export load-rdf`` and ``pfocr-export query``: RDF output into triple stores.

``load-rdf`` loads RDF/XML (.owl, .rdf), Turtle (.ttl) and N-Triples (.nt) files,
or folders of them, into an embedded Oxigraph store (``--store DIR``, the
default) or any SPARQL 1.1 Graph Store HTTP Protocol server (``--endpoint
URL``: Oxigraph ``/store``, Fuseki ``/DATASET/data``, Virtuoso
``/sparql-graph-crud-auth``). Each file becomes one named graph (one per
figure for ``biopax`` output), or ``--graph IRI`` puts them all in one.
Loading replaces a graph, so reloading never duplicates triples; every file
is parsed before any graph changes, so a bad file leaves the store as it was.
RDF/XML with a DOCTYPE (entity declarations) is refused unread. A server
graph counts as loaded only when the server answered its PUT with 2xx;
redirects are not followed. HTTP auth comes from the environment only:
``PFOCR_SPARQL_USER``, ``PFOCR_SPARQL_PASSWORD`` and ``PFOCR_SPARQL_AUTH``
(``basic``, the default, or ``digest``), and goes to the endpoint's own
origin only.

``query`` runs SPARQL against an embedded store over the union of its
graphs, with the usual prefixes (bp, wp, dc, dcterms, ...) predeclared as
WikiPathways' endpoint does, and prints TSV.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import mmap
import os
import re
import secrets
import socket
import sys
import tempfile
import threading
import urllib.parse
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import IO, Any

from .xmlguard import xml_declaration_problem
from .identifiers import VOCABULARIES
from .records import InputError, read_regular

DEFAULT_STORE = "pfocr-store"
DEFAULT_GRAPH_BASE = "https://pfocr.wikipathways.org/biopax/graph/"  # under the biopax format's default base
SUFFIXES = {".owl": "RDF_XML", ".rdf": "RDF_XML", ".ttl": "TURTLE", ".nt": "N_TRIPLES"}
MEDIA_TYPES = {"RDF_XML": "application/rdf+xml", "TURTLE": "text/turtle", "N_TRIPLES": "application/n-triples"}
DEFAULT_TIMEOUT = 60.0  # seconds for a server's answer to one request (see --timeout)
BULK_TRIPLES = 40_000  # larger files go through Oxigraph's bulk loader (3x faster, not transactional,
# far less memory: 4 MB of nested Turtle lists, 2 million triples, took 3 GB and 118 s in one transaction)
MAX_QUERY_BYTES = 1 << 20  # a query read from @FILE
QUERY_PREFIXES = {**VOCABULARIES, "fn": "http://www.w3.org/2005/xpath-functions#"}  # predeclared, as WikiPathways' endpoint does


class LoadError(Exception):
    """A file or server refused; the message says which."""


class ArgumentError(LoadError):
    """A bad --endpoint, --graph, --graph-base or PFOCR_SPARQL_AUTH: a usage error (exit 2)."""


def register(subparsers: Any) -> None:
    """Add the ``load-rdf`` and ``query`` subcommands."""
    load = subparsers.add_parser(
        "load-rdf", help="load RDF output into Oxigraph or a SPARQL Graph Store server",
        description="Load RDF/XML (.owl, .rdf), Turtle (.ttl) and N-Triples (.nt) files, or folders of them, into\n"
                    "an embedded Oxigraph store (--store DIR, the default) or any SPARQL 1.1 Graph Store HTTP\n"
                    "Protocol server (--endpoint URL: Oxigraph /store, Fuseki /DATASET/data, Virtuoso\n"
                    "/sparql-graph-crud-auth). Each file becomes one named graph (one per figure for biopax\n"
                    "output), or --graph IRI puts them all in one. Loading replaces a graph, so reloading never\n"
                    "duplicates triples; every file is parsed before any graph changes, so a bad file leaves the\n"
                    "store as it was. RDF/XML with a DOCTYPE (entity declarations) is refused unread. A server\n"
                    "graph counts as loaded only when the server answered its PUT with 2xx; redirects are not\n"
                    "followed. HTTP credentials come from the environment only (PFOCR_SPARQL_USER,\n"
                    "PFOCR_SPARQL_PASSWORD, PFOCR_SPARQL_AUTH=basic|digest) and go to the endpoint's origin only.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  pfocr-export convert -o out -f biopax,ntriples --wp-view\n"
               "  pfocr-export load-rdf out/biopax --store pfocr-store                    # one graph per file\n"
               "  pfocr-export load-rdf out/ntriples/pfocr.nt --endpoint http://127.0.0.1:7878/store\n"
               "  PFOCR_SPARQL_USER=dba PFOCR_SPARQL_PASSWORD=... PFOCR_SPARQL_AUTH=digest \\\n"
               "    pfocr-export load-rdf out/turtle/pfocr.ttl --graph https://example.org/pfocr \\\n"
               "    --endpoint http://localhost:8890/sparql-graph-crud-auth")
    load.add_argument("paths", nargs="+", metavar="PATH", help="RDF files or folders (.owl .rdf .ttl .nt)")
    target = load.add_mutually_exclusive_group()
    target.add_argument("--store", metavar="DIR", help=f"embedded Oxigraph store folder (default: {DEFAULT_STORE})")
    target.add_argument("--endpoint", metavar="URL", help="SPARQL 1.1 Graph Store HTTP Protocol service URL")
    load.add_argument("--graph", metavar="IRI", help="load everything into this one named graph "
                                                     "(default: one graph per file, named GRAPH_BASE + file stem)")
    load.add_argument("--graph-base", metavar="IRI", default=DEFAULT_GRAPH_BASE,
                      help=f"prefix of per-file graph names (default: {DEFAULT_GRAPH_BASE})")
    load.add_argument("--graph-param", default="graph",
                      help="query parameter that names the graph (default: graph; older Virtuoso: graph-uri)")
    load.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                      help="seconds a server has for its whole answer to one request, and that sending a body "
                           f"may stall (default: {DEFAULT_TIMEOUT:g})")
    load.set_defaults(handler=_load_command)

    query = subparsers.add_parser(
        "query", help="run a SPARQL query against an embedded Oxigraph store",
        description="Run SPARQL over the union of all graphs of a store made by load-rdf and print TSV (a header\n"
                    "of variable names, then one row per solution). The union holds a shared entity (an\n"
                    "organism, a gene) once per graph that names it, so count with COUNT(DISTINCT ...).\n"
                    f"Predeclared prefixes: {', '.join(QUERY_PREFIXES)}.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  pfocr-export query --store pfocr-store @examples/rdf/figures-with-a-gene.rq   # a query file\n"
               "  pfocr-export query --store pfocr-store \\\n"
               "    'SELECT ?name (COUNT(DISTINCT ?pw) AS ?figures) WHERE {\n"
               "       ?pw a bp:Pathway ; bp:organism/bp:displayName ?name } GROUP BY ?name ORDER BY ?name'\n"
               "  (on the five seeds: Homo sapiens 4, Mus musculus 1)")
    query.add_argument("sparql", help="the query text, or @FILE to read it from a file (a regular file, 1 MB at most)")
    query.add_argument("--store", metavar="DIR", default=DEFAULT_STORE, help=f"store folder (default: {DEFAULT_STORE})")
    query.set_defaults(handler=_query_command)


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text}: not a number of seconds above 0")
    return value


def rdf_files(paths: list[str]) -> list[Path]:
    """The RDF files named or found (recursively, sorted) under the given paths."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        elif path.is_file() and path.suffix in SUFFIXES:
            found.append(path)
        else:
            raise LoadError(f"{name}: not an RDF file ({', '.join(SUFFIXES)}) or a folder")
    if not found:
        raise LoadError("no RDF files found")
    return found


def graph_names(files: list[Path], graph: str | None, graph_base: str) -> list[tuple[Path, str]]:
    """(file, named graph IRI) pairs: one graph per file, or the one given."""
    import pyoxigraph as ox

    plan = [(f, graph or graph_base + urllib.parse.quote(f.name[: -len(f.suffix)], safe="")) for f in files]
    for name in {g for _, g in plan}:
        try:
            ox.NamedNode(name)
        except ValueError as exc:
            option = "--graph" if graph else "--graph-base"
            raise ArgumentError(f"{option}: {name!r} is not an absolute IRI ({exc})") from None
    return plan


class _NoTree:
    """An lxml parser target that builds nothing: well-formedness and libxml2's depth limit only."""

    def close(self) -> None:
        return None


def check_file(path: Path) -> int:
    """Read a file through the RDF parser, keeping nothing, so that a bad file fails before any
    graph changes; returns its number of triples. RDF/XML with a DOCTYPE is refused before any
    parser sees it, and RDF/XML nested deeper than libxml2's 256 elements before Oxigraph sees
    it (its RDF/XML reader slows with the square of the depth: 32,000 levels, 1.5 MB, 52 s)."""
    import pyoxigraph as ox
    from lxml import etree

    syntax = SUFFIXES[path.suffix]
    try:
        if syntax == "RDF_XML":
            with path.open("rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) if size else nullcontext(b"") as data:
                    refused = xml_declaration_problem(data)
            if refused:
                raise LoadError(f"{path}: {refused}")
            try:
                etree.parse(str(path), etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as exc:
                deep = "depth" in str(exc)
                raise LoadError(f"{path}: " + ("elements nested deeper than 256 are refused" if deep
                                               else f"not well-formed XML: {exc}")) from exc
        return sum(1 for _ in ox.parse(path=str(path), format=getattr(ox.RdfFormat, syntax)))
    except (SyntaxError, ValueError, OSError) as exc:
        raise LoadError(f"{path}: {exc}") from exc


def load_store(directory: str | os.PathLike[str], plan: list[tuple[Path, str]]) -> int:
    """Load into an embedded Oxigraph store, replacing each graph once every file has parsed;
    returns the store's quad count."""
    import pyoxigraph as ox

    triples = {path: check_file(path) for path, _ in plan}
    try:
        store = ox.Store(str(directory))
    except OSError as exc:  # not a folder, or open in another process (the store is locked)
        raise LoadError(f"{directory}: {exc}") from exc
    cleared: set[str] = set()
    for path, graph in plan:
        node = ox.NamedNode(graph)
        if graph not in cleared:
            cleared.add(graph)
            if store.contains_named_graph(node):
                store.remove_graph(node)
        fmt = getattr(ox.RdfFormat, SUFFIXES[path.suffix])
        loader = store.bulk_load if triples[path] > BULK_TRIPLES else store.load
        try:
            loader(path=str(path), format=fmt, to_graph=node)
        except (SyntaxError, ValueError, OSError) as exc:
            raise LoadError(f"{path}: {exc}") from exc
    store.flush()
    return len(store)


def _credentials() -> tuple[str, str, str] | None:
    """(user, password, "basic" or "digest") from the environment, or None."""
    user = os.environ.get("PFOCR_SPARQL_USER")
    if not user:
        return None
    scheme = os.environ.get("PFOCR_SPARQL_AUTH", "basic").lower()
    if scheme not in ("basic", "digest"):
        raise ArgumentError(f"PFOCR_SPARQL_AUTH={scheme!r}: use basic or digest")
    return user, os.environ.get("PFOCR_SPARQL_PASSWORD", ""), scheme


_DIGEST_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_DIGEST_HASHES = {"MD5": "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256"}


def digest_challenge(headers: list[str]) -> dict[str, str] | None:
    """The parameters of the Digest challenge among WWW-Authenticate header values, or None."""
    for header in headers:
        if header[:7].lower() == "digest ":
            return {k.lower(): re.sub(r"\\(.)", r"\1", quoted) if quoted else bare
                    for k, quoted, bare in _DIGEST_PARAM.findall(header[7:])}
    return None


def digest_authorization(challenge: dict[str, str], method: str, target: str, user: str, password: str,
                         count: int) -> str:
    """The Authorization header answering a Digest challenge (RFC 7616, qop=auth or none)."""
    algorithm = challenge.get("algorithm", "MD5")
    name = _DIGEST_HASHES.get(algorithm.upper())
    qops = {q.strip() for q in challenge.get("qop", "").split(",") if q.strip()}
    if name is None or (qops and "auth" not in qops):
        raise LoadError(f"digest with algorithm={algorithm} qop={challenge.get('qop')} is not supported")

    def h(text: str) -> str:
        return hashlib.new(name, text.encode()).hexdigest()

    realm, nonce, cnonce, nc = challenge.get("realm", ""), challenge.get("nonce", ""), secrets.token_hex(8), f"{count:08x}"
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{target}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": target, "algorithm": algorithm}
    if qops:
        fields.update(response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"), qop="auth", nc=nc, cnonce=cnonce)
    else:
        fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in challenge:
        fields["opaque"] = challenge["opaque"]
    quoted = {k: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for k, v in fields.items()}
    return "Digest " + ", ".join(f"{k}={v if k in ('algorithm', 'qop', 'nc') else quoted[k]}" for k, v in fields.items())


def _cut(sock: socket.socket, fired: threading.Event) -> None:
    fired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class GraphStore:
    """A Graph Store Protocol endpoint. Requests go to its own origin only and are never
    redirected, so credentials cannot leave it; Digest is answered from a bodiless HEAD probe's
    challenge, so a large body is sent once, already authenticated (Virtuoso resets the
    connection when a body comes before its challenge). A server's whole answer must arrive within
    ``timeout`` seconds of the request, and the body must not stall for longer."""

    def __init__(self, endpoint: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        try:
            url = urllib.parse.urlsplit(endpoint)
            url.port  # raises ValueError when out of range
        except ValueError as exc:
            raise ArgumentError(f"--endpoint: {exc}") from None
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ArgumentError("--endpoint: not an http:// or https:// URL")
        if url.username is not None or url.password is not None:
            raise ArgumentError("credentials in the endpoint URL are refused: set PFOCR_SPARQL_USER and "
                            "PFOCR_SPARQL_PASSWORD instead")
        self.endpoint, self.url, self.timeout = endpoint, url, timeout
        self.credentials = _credentials()
        self.challenge: dict[str, str] | None = None
        self.count = 0  # requests made with the current Digest nonce

    @property
    def basic_in_clear(self) -> bool:
        """Basic credentials would travel unencrypted (plain http)."""
        return self.url.scheme == "http" and self.credentials is not None and self.credentials[2] == "basic"

    def target(self, graph: str, graph_param: str) -> str:
        """Request target (path and query) naming a graph."""
        query = "&".join(q for q in (self.url.query, urllib.parse.urlencode({graph_param: graph})) if q)
        return f"{self.url.path or '/'}?{query}"

    def scrub(self, text: str) -> str:
        """Server text fit to print: markup and credentials removed, one line, 300 characters at most."""
        text = re.sub(r"(?i)(authorization[\"']?\s*[:=]\s*)[^\r\n]*", r"\1***", re.sub(r"<[^>]*>", " ", text))
        if self.credentials:
            user, password, _ = self.credentials
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            for secret in sorted({password, token, urllib.parse.quote(password, safe="")} - {""}, key=len, reverse=True):
                text = text.replace(secret, "***")
        text = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text).split())  # no terminal control sequences
        return text if len(text) <= 300 else text[:300] + "..."

    def _authorization(self, method: str, target: str) -> dict[str, str]:
        if self.credentials is None:
            return {}
        user, password, scheme = self.credentials
        if scheme == "basic":
            return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
        if self.challenge is None:
            return {}
        self.count += 1
        return {"Authorization": digest_authorization(self.challenge, method, target, user, password, self.count)}

    def _exchange(self, method: str, target: str, headers: dict[str, str],
                  body: IO[bytes] | None = None, length: int = 0) -> tuple[http.client.HTTPResponse, bytes]:
        """One request on a fresh connection; (response, the start of its body)."""
        kind = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
        conn = kind(self.url.hostname, self.url.port, timeout=self.timeout)
        try:
            try:
                conn.putrequest(method, target, skip_accept_encoding=True)
                for name, value in ({**headers, "Content-Length": str(length)} if body is not None else headers).items():
                    conn.putheader(name, value)
                conn.endheaders()
                while body is not None and (chunk := body.read(1 << 16)):
                    conn.send(chunk)
            except (BrokenPipeError, ConnectionResetError) as sent:
                try:  # the server may have answered (then closed) before reading the body
                    return self._response(conn)
                except (OSError, http.client.HTTPException):
                    raise sent from None
            return self._response(conn)
        finally:
            conn.close()

    def _response(self, conn: http.client.HTTPConnection) -> tuple[http.client.HTTPResponse, bytes]:
        """The response and the start of its body, all within ``timeout`` seconds: a server
        trickling bytes is cut off too."""
        fired = threading.Event()
        deadline = threading.Timer(self.timeout, _cut, (conn.sock, fired))
        deadline.start()
        try:
            response = conn.getresponse()
            detail = response.read(4096)
        except (OSError, http.client.HTTPException):
            if fired.is_set():
                raise TimeoutError from None
            raise
        finally:
            deadline.cancel()
        if fired.is_set():  # cut off: what was read may end anywhere
            raise TimeoutError
        return response, detail

    def _probe(self, target: str) -> None:
        """Learn the Digest challenge from a HEAD request, which carries no body."""
        response, _ = self._exchange("HEAD", target, {})
        if 300 <= response.status < 400:
            raise self._refusal("HEAD", target, response, b"")
        self.challenge, self.count = digest_challenge(response.headers.get_all("WWW-Authenticate") or []), 0

    def put(self, target: str, body: IO[bytes], length: int, media_type: str) -> None:
        """PUT a graph; returns only when the server confirmed it with a 2xx status."""
        digest = self.credentials is not None and self.credentials[2] == "digest"
        try:
            if digest and self.challenge is None:
                self._probe(target)
            for attempt in (1, 2):
                body.seek(0)
                headers = {**self._authorization("PUT", target), "Content-Type": media_type}
                response, detail = self._exchange("PUT", target, headers, body, length)
                challenge = digest_challenge(response.headers.get_all("WWW-Authenticate") or [])
                if response.status == 401 and digest and challenge and attempt == 1:
                    self.challenge, self.count = challenge, 0  # stale or first challenge: answer it once
                    continue
                if not 200 <= response.status < 300:
                    raise self._refusal("PUT", target, response, detail)
                return
        except TimeoutError as exc:
            raise LoadError(f"{self.endpoint}: no answer within {self.timeout:g} s (--timeout)") from exc
        except ConnectionRefusedError as exc:
            raise LoadError(f"{self.endpoint}: connection refused") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise LoadError(f"{self.endpoint}: {self.scrub(str(exc)) or type(exc).__name__}") from exc

    def _refusal(self, method: str, target: str, response: http.client.HTTPResponse, detail: bytes) -> LoadError:
        where = f"{method} {urllib.parse.unquote(target)}: HTTP {response.status} {self.scrub(response.reason)}"
        if 300 <= response.status < 400:
            location = urllib.parse.urlsplit(response.getheader("Location") or "")
            origin = f"{location.hostname}:{location.port}" if location.port else location.hostname
            shown = location._replace(netloc=origin or "", query="", fragment="").geturl()
            return LoadError(f"{where}, a redirect to {self.scrub(shown) or '?'}: not followed, nothing was stored "
                             "(give the final URL as --endpoint)")
        text = self.scrub(detail.decode("utf-8", "replace"))
        if response.status in (401, 403):
            text = "check PFOCR_SPARQL_USER, PFOCR_SPARQL_PASSWORD and PFOCR_SPARQL_AUTH" + (f"; {text}" if text else "")
        return LoadError(f"{where}" + (f": {text}" if text else ""))


def push(store: GraphStore, plan: list[tuple[Path, str]], graph_param: str = "graph") -> int:
    """Replace each graph on a Graph Store Protocol server with one PUT, once every file has
    parsed; a graph of several files goes as their N-Triples. Returns the number of graphs
    the server confirmed (all of them, or LoadError)."""
    import pyoxigraph as ox

    for path, _ in plan:
        check_file(path)
    files: dict[str, list[Path]] = {}
    for path, graph in plan:
        files.setdefault(graph, []).append(path)
    for done, (graph, paths) in enumerate(files.items()):
        try:
            with ExitStack() as stack:
                if len(paths) == 1:
                    body, media_type = stack.enter_context(paths[0].open("rb")), MEDIA_TYPES[SUFFIXES[paths[0].suffix]]
                else:
                    body, media_type = stack.enter_context(tempfile.TemporaryFile()), MEDIA_TYPES["N_TRIPLES"]
                    for path in paths:
                        ox.serialize(ox.parse(path=str(path), format=getattr(ox.RdfFormat, SUFFIXES[path.suffix]),
                                              rename_blank_nodes=True), body, format=ox.RdfFormat.N_TRIPLES)
                store.put(store.target(graph, graph_param), body, body.seek(0, os.SEEK_END), media_type)
        except LoadError as exc:
            name = paths[0] if len(paths) == 1 else f"graph {graph} ({len(paths)} files)"
            kept = f"; {done} of {len(files)} graph(s) were replaced before it" if done else ""
            raise LoadError(f"{name}: {exc}{kept}") from exc
    return len(files)


def _load_command(args: argparse.Namespace) -> int:
    try:
        plan = graph_names(rdf_files(args.paths), args.graph, args.graph_base)
        if args.endpoint:
            server = GraphStore(args.endpoint, args.timeout)
            if server.basic_in_clear:
                print(f"pfocr-export: load-rdf: warning: Basic credentials go unencrypted to {args.endpoint}; "
                      "use https:// or PFOCR_SPARQL_AUTH=digest", file=sys.stderr)
            push(server, plan, args.graph_param)
            where = args.endpoint
        else:
            store = args.store or DEFAULT_STORE
            quads = load_store(store, plan)
            where = f"{store} ({quads} quads in the store)"
    except LoadError as exc:
        print(f"pfocr-export: load-rdf: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ArgumentError) else 1
    graphs = len({g for _, g in plan})
    print(f"loaded {len(plan)} file(s) into {graphs} named graph(s) at {where}")
    return 0


def run_query(directory: str | os.PathLike[str], sparql: str) -> list[list[str]]:
    """Rows of a SELECT (header first), [["true"|"false"]] for ASK, N-Triples lines for CONSTRUCT."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(directory))
    functions = {ox.NamedNode(QUERY_PREFIXES["fn"] + "substring"): _substring}  # WikiPathways' queries use it
    result = store.query(sparql, use_default_graph_as_union=True, prefixes=QUERY_PREFIXES,
                         custom_functions=functions)
    if isinstance(result, ox.QueryBoolean):
        return [["true" if result else "false"]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [names]
        for solution in result:
            rows.append(["" if solution[n] is None else solution[n].value for n in names])
        return rows
    return [[f"{t} ."] for t in result]


def _substring(text: Any, start: Any, length: Any = None) -> Any:
    """XPath fn:substring (1-based start), which Virtuoso has and Oxigraph lacks."""
    import pyoxigraph as ox

    begin = max(int(float(start.value)) - 1, 0)
    end = None if length is None else begin + int(float(length.value))
    return ox.Literal(text.value[begin:end])


def _query_command(args: argparse.Namespace) -> int:
    sparql = args.sparql
    if sparql.startswith("@"):
        try:
            sparql = read_regular(sparql[1:], MAX_QUERY_BYTES).decode("utf-8")
        except (InputError, UnicodeDecodeError) as exc:
            print(f"pfocr-export: query: {sparql[1:]}: {exc}", file=sys.stderr)
            return 2
    if not Path(args.store).is_dir():
        print(f"pfocr-export: query: no store at {args.store} (run load-rdf first)", file=sys.stderr)
        return 1
    try:
        rows = run_query(args.store, sparql)
    except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
        print(f"pfocr-export: query: {exc}", file=sys.stderr)
        return 1
    try:
        for row in rows:
            print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head
        sys.stdout = None
    return 0
