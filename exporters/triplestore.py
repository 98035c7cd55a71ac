"""``pfocr-export load-rdf`` and ``pfocr-export query``: RDF output into triple stores.

``load-rdf`` loads RDF/XML (.owl, .rdf), Turtle (.ttl) and N-Triples (.nt) files,
or folders of them, into an embedded Oxigraph store (``--store DIR``, the
default) or any SPARQL 1.1 Graph Store HTTP Protocol server (``--endpoint
URL``: Oxigraph ``/store``, Fuseki ``/DATASET/data``, Virtuoso
``/sparql-graph-crud-auth``). Each file becomes one named graph (one per
figure for ``biopax`` output), or ``--graph IRI`` puts them all in one.
Loading replaces a graph, so reloading never duplicates triples. HTTP auth
comes from the environment only: ``PFOCR_SPARQL_USER``,
``PFOCR_SPARQL_PASSWORD`` and ``PFOCR_SPARQL_AUTH`` (``basic``, the
default, or ``digest``).

``query`` runs SPARQL against an embedded store over the union of its
graphs, with the usual prefixes (bp, wp, dc, dcterms, ...) predeclared as
WikiPathways' endpoint does, and prints TSV.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .identifiers import VOCABULARIES

DEFAULT_STORE = "pfocr-store"
DEFAULT_GRAPH_BASE = "https://pfocr.wikipathways.org/biopax/graph/"  # under the biopax format's default base
SUFFIXES = {".owl": "RDF_XML", ".rdf": "RDF_XML", ".ttl": "TURTLE", ".nt": "N_TRIPLES"}
MEDIA_TYPES = {"RDF_XML": "application/rdf+xml", "TURTLE": "text/turtle", "N_TRIPLES": "application/n-triples"}
BULK_BYTES = 4 << 20  # larger files go through Oxigraph's bulk loader (3x faster, not transactional)
QUERY_PREFIXES = {**VOCABULARIES, "fn": "http://www.w3.org/2005/xpath-functions#"}  # predeclared, as WikiPathways' endpoint does


class LoadError(Exception):
    """A file or server refused; the message says which."""


def register(subparsers: Any) -> None:
    """Add the ``load-rdf`` and ``query`` subcommands."""
    load = subparsers.add_parser(
        "load-rdf", help="load RDF output into Oxigraph or a SPARQL Graph Store server",
        description=__doc__.split("\n\n")[1], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  pfocr-export load-rdf out/biopax --store pfocr-store\n"
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
    load.set_defaults(handler=_load_command)

    query = subparsers.add_parser(
        "query", help="run a SPARQL query against an embedded Oxigraph store",
        description="Run SPARQL over the union of all graphs of a store made by load-rdf; prints TSV "
                    "(a header of variable names, then one row per solution). Prefixes "
                    f"{', '.join(QUERY_PREFIXES)} are predeclared.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  pfocr-export query --store pfocr-store \\\n"
               "    'SELECT ?name (COUNT(?pw) AS ?n) WHERE { ?pw a bp:Pathway ; bp:organism/bp:displayName ?name }"
               " GROUP BY ?name'")
    query.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    query.add_argument("--store", metavar="DIR", default=DEFAULT_STORE, help=f"store folder (default: {DEFAULT_STORE})")
    query.set_defaults(handler=_query_command)


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
    return [(f, graph or graph_base + urllib.parse.quote(f.name[: -len(f.suffix)], safe="")) for f in files]


def load_store(directory: str | os.PathLike[str], plan: list[tuple[Path, str]]) -> int:
    """Load into an embedded Oxigraph store, replacing each graph; returns the store's quad count."""
    import pyoxigraph as ox

    store = ox.Store(str(directory))
    cleared: set[str] = set()
    for path, graph in plan:
        node = ox.NamedNode(graph)
        if graph not in cleared:
            cleared.add(graph)
            if store.contains_named_graph(node):
                store.remove_graph(node)
        fmt = getattr(ox.RdfFormat, SUFFIXES[path.suffix])
        loader = store.bulk_load if path.stat().st_size > BULK_BYTES else store.load
        try:
            loader(path=str(path), format=fmt, to_graph=node)
        except (SyntaxError, ValueError, OSError) as exc:
            raise LoadError(f"{path}: {exc}") from exc
    store.flush()
    return len(store)


def _auth_header() -> dict[str, str]:
    user, password = os.environ.get("PFOCR_SPARQL_USER"), os.environ.get("PFOCR_SPARQL_PASSWORD", "")
    if not user or os.environ.get("PFOCR_SPARQL_AUTH", "basic").lower() != "basic":
        return {}
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _opener(endpoint: str) -> urllib.request.OpenerDirector:
    user = os.environ.get("PFOCR_SPARQL_USER")
    if user and os.environ.get("PFOCR_SPARQL_AUTH", "basic").lower() == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, endpoint, user, os.environ.get("PFOCR_SPARQL_PASSWORD", ""))
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    return urllib.request.build_opener()


def push(endpoint: str, plan: list[tuple[Path, str]], graph_param: str = "graph") -> int:
    """Send files to a Graph Store Protocol server: PUT replaces each graph, POST appends the
    further files of a shared graph. Returns the number of requests made."""
    opener, headers = _opener(endpoint), _auth_header()
    started: set[str] = set()
    for path, graph in plan:
        method = "POST" if graph in started else "PUT"
        started.add(graph)
        sep = "&" if "?" in endpoint else "?"
        url = f"{endpoint}{sep}{urllib.parse.urlencode({graph_param: graph})}"
        request = urllib.request.Request(url, data=path.read_bytes(), method=method, headers={
            **headers, "Content-Type": MEDIA_TYPES[SUFFIXES[path.suffix]]})
        try:
            with opener.open(request, timeout=600) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise LoadError(f"{path}: {method} {url}: HTTP {exc.code} {exc.reason}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise LoadError(f"{endpoint}: {exc.reason}") from exc
    return len(plan)


def _load_command(args: argparse.Namespace) -> int:
    try:
        plan = graph_names(rdf_files(args.paths), args.graph, args.graph_base)
        if args.endpoint:
            push(args.endpoint, plan, args.graph_param)
            where = args.endpoint
        else:
            store = args.store or DEFAULT_STORE
            quads = load_store(store, plan)
            where = f"{store} ({quads} quads in the store)"
    except LoadError as exc:
        print(f"pfocr-export: load-rdf: {exc}", file=sys.stderr)
        return 1
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
    sparql = Path(args.sparql[1:]).read_text(encoding="utf-8") if args.sparql.startswith("@") else args.sparql
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
