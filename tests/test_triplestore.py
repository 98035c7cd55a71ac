"""load-rdf / query: the seeds in an embedded Oxigraph store and in a real Oxigraph server."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from exporters.cli import main
from exporters.formats.biopax import DEFAULT_BASE
from exporters.triplestore import DEFAULT_GRAPH_BASE, run_query

from sparql_server import GraphStoreServer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "rdf"
PREFIX = "PREFIX bp: <http://www.biopax.org/release/biopax-level3.owl#>\n"
FIGURE = "PMC5308639__oncotarget-07-61107-g007"
GENES_OF_FIGURE = PREFIX + f"""SELECT DISTINCT ?symbol WHERE {{
  <{DEFAULT_BASE}{FIGURE}> bp:pathwayComponent/bp:participant/bp:entityReference/bp:memberEntityReference? ?ref .
  ?ref bp:xref [ bp:db "hgnc.symbol" ; bp:id ?symbol ] }} ORDER BY ?symbol"""
FIGURES_WITH_TP53 = PREFIX + """SELECT DISTINCT ?pathway WHERE {
  ?pathway a bp:Pathway ; bp:pathwayComponent/bp:participant/bp:entityReference/bp:memberEntityReference? ?ref .
  ?ref bp:xref [ bp:db "ncbigene" ; bp:id "7157" ] } ORDER BY ?pathway"""
PER_ORGANISM = PREFIX + """SELECT ?organism (COUNT(DISTINCT ?pw) AS ?n) WHERE {
  ?pw a bp:Pathway ; bp:organism/bp:displayName ?organism } GROUP BY ?organism ORDER BY ?organism"""
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rdf")
    assert cli("convert", "-o", str(folder), "-f", "biopax,ntriples", "--wp-view")[0] == 0
    return folder


@pytest.fixture(scope="module")
def expected(seed_pathways):
    figure = next(p for p in seed_pathways if p.figure.figid == FIGURE)
    return {
        "genes": sorted({g.symbol for g in figure.genes}),
        "tp53": sorted(DEFAULT_BASE + p.figure.figid for p in seed_pathways if "7157" in {g.entrez for g in p.genes}),
        "organisms": [["Homo sapiens", "4"], ["Mus musculus", "1"]],
    }


def answers(ask) -> dict:
    """The three checked questions, through any query function returning rows without header."""
    return {"genes": [r[0] for r in ask(GENES_OF_FIGURE)], "tp53": [r[0] for r in ask(FIGURES_WITH_TP53)],
            "organisms": ask(PER_ORGANISM)}


def test_embedded_store(out, expected, tmp_path):
    store = tmp_path / "store"
    code, text = cli("load-rdf", str(out / "biopax"), "--store", str(store))
    assert code == 0 and "10 file(s) into 10 named graph(s)" in text
    assert answers(lambda q: run_query(store, q)[1:]) == expected
    quads = run_query(store, COUNT_QUADS)[1][0]
    assert cli("load-rdf", str(out / "biopax"), "--store", str(store))[0] == 0  # reload replaces each graph
    assert run_query(store, COUNT_QUADS)[1][0] == quads
    graphs = run_query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")[1:]
    assert DEFAULT_GRAPH_BASE.startswith(DEFAULT_BASE)
    assert [DEFAULT_GRAPH_BASE + FIGURE] in graphs and [DEFAULT_GRAPH_BASE + FIGURE + ".wp"] in graphs


def test_embedded_store_one_graph_for_the_batch(out, expected, tmp_path):
    store, graph = tmp_path / "store", "https://example.org/pfocr"
    nt = out / "ntriples" / "pfocr.nt"
    for _ in range(2):
        assert cli("load-rdf", str(nt), "--store", str(store), "--graph", graph)[0] == 0
    lines = sum(1 for line in nt.read_bytes().splitlines() if line and not line.startswith(b"#"))
    assert run_query(store, COUNT_QUADS)[1] == [str(lines)]
    assert answers(lambda q: run_query(store, q)[1:]) == expected


def test_query_command_prints_tsv(out, tmp_path):
    store = tmp_path / "store"
    cli("load-rdf", str(out / "biopax"), "--store", str(store))
    code, text = cli("query", "--store", str(store), PER_ORGANISM)
    assert code == 0 and text == "organism\tn\nHomo sapiens\t4\nMus musculus\t1\n"
    assert cli("query", "--store", str(store), "SELECT ?x WHERE {")[0] == 1
    assert cli("query", "--store", str(tmp_path / "missing"), PER_ORGANISM)[0] == 1
    (tmp_path / "q.rq").write_text(PER_ORGANISM, encoding="utf-8")
    assert cli("query", "--store", str(store), f"@{tmp_path / 'q.rq'}") == (0, text)
    os.mkfifo(tmp_path / "fifo.rq")  # a FIFO without a writer, a device, a missing file: one line, exit 2
    for name in (str(tmp_path / "fifo.rq"), "/dev/zero", str(tmp_path / "missing.rq")):
        code, out_text, err = cli_err("query", "--store", str(store), f"@{name}")
        assert (code, out_text) == (2, "") and err.count("\n") == 1 and name in err


def test_example_queries_answer_as_committed(out, tmp_path):
    """examples/rdf/*.rq (two of them WikiPathways' own queries, unchanged) give the committed answers."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        from make_answers import answer
    finally:
        sys.path.remove(str(EXAMPLES))
    store = tmp_path / "store"
    cli("load-rdf", str(out / "biopax"), "--store", str(store))
    queries = sorted(EXAMPLES.glob("*.rq"))
    assert len(queries) >= 5 and any(q.name.startswith("wp-") for q in queries)
    for rq in queries:
        got = answer(store, rq.read_text(encoding="utf-8"))
        assert got == rq.with_suffix(".tsv").read_text(encoding="utf-8"), rq.name
        assert got.count("\n") > 1, f"{rq.name} has no answer on the seeds"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    binary = Path(sys.executable).parent / "oxigraph"
    binary = str(binary) if binary.exists() else shutil.which("oxigraph")
    if not binary:
        pytest.skip("the oxigraph server binary (PyPI package 'oxigraph') is not installed")
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxdb"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail(f"oxigraph server did not start: {proc.stderr.read1().decode()}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def http_query(url: str, sparql: str) -> list[list[str]]:
    """Rows (no header) of a SELECT sent to the server, over the union of its graphs."""
    body = urllib.parse.urlencode({"query": sparql}).encode()
    request = urllib.request.Request(url + "/query", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        result = json.load(response)
    names = result["head"]["vars"]
    return [[b[n]["value"] for n in names] for b in result["results"]["bindings"]]


def test_oxigraph_server_graph_store_protocol(out, expected, server):
    endpoint = server + "/store"
    code, text = cli("load-rdf", str(out / "biopax"), "--endpoint", endpoint)
    assert code == 0 and "10 file(s) into 10 named graph(s)" in text
    assert answers(lambda q: http_query(server, q)) == expected
    quads = http_query(server, COUNT_QUADS)
    assert cli("load-rdf", str(out / "biopax"), "--endpoint", endpoint)[0] == 0  # PUT replaces, no duplicates
    assert http_query(server, COUNT_QUADS) == quads
    # one graph for a batch of files: first PUT, then POST; reloading still replaces
    batch = "https://example.org/batch"
    files = sorted(str(p) for p in (out / "biopax").glob("*.owl"))
    for _ in range(2):
        assert cli("load-rdf", *files, "--endpoint", endpoint, "--graph", batch)[0] == 0
    per_figure = http_query(server, f"SELECT (COUNT(DISTINCT ?pw) AS ?n) WHERE {{ GRAPH <{batch}> {{ ?pw a bp:Pathway }} }}"
                            .replace("bp:Pathway", "<http://www.biopax.org/release/biopax-level3.owl#Pathway>"))
    assert per_figure == [["5"]]
    distinct = http_query(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{batch}> {{ ?s ?p ?o }} }}")
    once = http_query(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o "
                              f"FILTER(?g != <{batch}> && !STRENDS(STR(?g), '.wp')) }} }} }}")
    assert distinct == once


def cli_err(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


BIG_TRIPLES = 220_000


@pytest.fixture(scope="module")
def big_nt(tmp_path_factory) -> Path:
    """About 30 MB of N-Triples, far above the 2-4 MB at which Virtuoso reset digest uploads."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    pad = "x" * 80
    with path.open("w", encoding="utf-8") as f:
        f.writelines(f'<http://example.org/s{i}> <http://example.org/p> "value {i} {pad}" .\n' for i in range(BIG_TRIPLES))
    assert path.stat().st_size > 25 << 20
    return path


@pytest.fixture()
def digest_env(monkeypatch):
    monkeypatch.setenv("PFOCR_SPARQL_USER", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("PFOCR_SPARQL_AUTH", "digest")
    return {"dba": "s3cret-pw"}


@pytest.fixture()
def basic_env(monkeypatch):
    monkeypatch.setenv("PFOCR_SPARQL_USER", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "s3cret-pw")
    monkeypatch.delenv("PFOCR_SPARQL_AUTH", raising=False)
    return {"dba": "s3cret-pw"}


def test_digest_upload_of_a_large_file(big_nt, digest_env):
    """Issue 13.9: a body sent before the digest challenge is reset (Virtuoso); ours is sent once, authenticated."""
    with GraphStoreServer(digest_env) as server:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()  # what load-rdf did: urllib's digest handler
        manager.add_password(None, server.url, "dba", "s3cret-pw")
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
        put = urllib.request.Request(server.url + "?graph=https://example.org/old", data=big_nt.read_bytes(), method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
        with pytest.raises((ConnectionError, urllib.error.URLError)):
            opener.open(put, timeout=30)
        server.requests.clear()
        started = time.monotonic()
        code, text, err = cli_err("load-rdf", str(big_nt), "--endpoint", server.url, "--graph", "https://example.org/big")
        assert (code, err) == (0, "") and "loaded 1 file(s)" in text
        assert server.graphs() == {"https://example.org/big": BIG_TRIPLES}
        sent = [(r["method"], r["status"], r["body"]) for r in server.requests]
        assert sent == [("HEAD", 401, 0), ("PUT", 201, big_nt.stat().st_size)]  # the body went once
        assert time.monotonic() - started < 60


def test_digest_stale_nonces_are_answered_again(out, digest_env):
    with GraphStoreServer(digest_env, nonce_uses=3) as server:
        code, text, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", server.url)
        assert code == 0 and "10 file(s) into 10 named graph(s)" in text, err
        assert len(server.graphs()) == 10
        assert sum(r["status"] == 401 for r in server.requests) == 1 + 3  # the probe, then every third nonce use


def test_wrong_password_is_one_clear_line(out, digest_env, monkeypatch):
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "not-it")
    with GraphStoreServer(digest_env) as server:
        code, text, err = cli_err("load-rdf", str(out / "ntriples"), "--endpoint", server.url)
    assert (code, text) == (1, "") and err.count("\n") == 1
    assert "HTTP 401" in err and "PFOCR_SPARQL_PASSWORD" in err and "not-it" not in err


def test_redirect_on_write_is_an_error_and_credentials_stay_home(out, basic_env):
    """Issue 14.1: POSTs redirected (302) to another origin were followed as GETs carrying the Basic
    credentials, and 'loaded 5 file(s)' printed with 4 never stored."""
    pathways = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a <http://www.biopax.org/release/biopax-level3.owl#Pathway> } }"
    files = sorted(str(p) for p in (out / "biopax").glob("*.owl"))
    with GraphStoreServer(auth=None) as elsewhere, \
            GraphStoreServer(basic_env, auth="basic", redirect=elsewhere.url + "?graph=https://example.org/e",
                             redirect_from=3) as server:
        elsewhere.store.add(ox.Quad(ox.NamedNode("https://example.org/e"), ox.NamedNode("https://example.org/p"),
                                    ox.Literal("answers a GET"), ox.NamedNode("https://example.org/e")))
        code, text, err = cli_err("load-rdf", *files, "--endpoint", server.url, "--graph", "https://example.org/all")
        assert code == 0 and "loaded 5 file(s)" in text, err
        assert next(iter(server.store.query(pathways)))["n"].value == "5"  # all five stored, in one PUT
        code, text, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", server.url)
        assert code == 1 and "loaded" not in text
        assert "HTTP 302" in err and "not followed" in err and "1 of 10 graph(s)" in err and "s3cret" not in err
        assert elsewhere.requests == []  # no request, so no credentials
        assert [r["method"] for r in server.requests] == ["PUT", "PUT", "PUT"]  # stopped at the first refusal
        assert len(server.graphs()) == 2


def test_success_means_every_graph_confirmed(out, basic_env):
    with GraphStoreServer(basic_env, auth="basic", fail_writes={3: 503}) as server:
        code, text, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", server.url)
        assert code == 1 and text == ""
        assert "HTTP 503" in err and "2 of 10 graph(s) were replaced before it" in err
        assert len(server.graphs()) == 2


def test_error_bodies_are_scrubbed_and_plain_http_basic_warns(out, basic_env):
    """Issue 14.14: a server echoing the request headers showed the credentials."""
    token = base64.b64encode(b"dba:s3cret-pw").decode()
    with GraphStoreServer(basic_env, auth="basic", fail_writes={1: 400}, echo=True) as server:
        code, _, err = cli_err("load-rdf", str(out / "ntriples"), "--endpoint", server.url)
    assert code == 1 and "HTTP 400" in err and "write refused" in err
    assert "s3cret-pw" not in err and token not in err
    assert "warning: Basic credentials go unencrypted" in err


def test_credentials_in_the_endpoint_url_are_refused(out, basic_env):
    with GraphStoreServer(auth=None) as server:
        url = server.url.replace("http://", "http://dba:s3cret-pw@")
        code, _, err = cli_err("load-rdf", str(out / "ntriples"), "--endpoint", url)
    assert code == 2 and "s3cret-pw" not in err and server.requests == []


def test_a_silent_or_dead_server_fails_fast(out, digest_env):
    """Issue 14.6: requests waited 600 s each."""
    with GraphStoreServer(digest_env, silent=30) as server:
        started = time.monotonic()
        code, _, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", server.url, "--timeout", "1")
        assert code == 1 and "no answer within 1 s" in err and time.monotonic() - started < 10
        assert len(server.requests) == 1
    with GraphStoreServer(digest_env, auth=None, trickle=0.2) as server:  # a byte every 0.2 s: never silent for 1 s
        started = time.monotonic()
        code, _, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", server.url, "--timeout", "1")
        assert code == 1 and "no answer within 1 s" in err and time.monotonic() - started < 10
    started = time.monotonic()  # nothing listens there: the first file fails, the others are not tried
    code, _, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", f"http://127.0.0.1:{_free_port()}/store")
    assert code == 1 and "connection refused" in err and err.count("\n") == 1 and time.monotonic() - started < 5
    assert cli_err("load-rdf", str(out / "nothing-here"))[0] == 1


@pytest.mark.parametrize("args", [["--endpoint", "ftp://127.0.0.1/store"], ["--endpoint", "http://127.0.0.1:99999/store"],
                                  ["--endpoint", "http://[::1/store"], ["--graph", "not an IRI"], ["--graph-base", "rel/"]])
def test_bad_arguments_are_usage_errors(out, tmp_path, args):
    code, _, err = cli_err("load-rdf", str(out / "ntriples"), "--store", str(tmp_path / "store"), *args) \
        if args[0] != "--endpoint" else cli_err("load-rdf", str(out / "ntriples"), *args)
    assert code == 2 and err.count("\n") == 1 and args[0] in err and not (tmp_path / "store").exists()


def test_auth_scheme_is_checked(out, monkeypatch):
    monkeypatch.setenv("PFOCR_SPARQL_USER", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_AUTH", "ntlm")
    code, _, err = cli_err("load-rdf", str(out / "ntriples"), "--endpoint", "http://127.0.0.1:9/store")
    assert code == 2 and "PFOCR_SPARQL_AUTH" in err


def _broken_copy(out: Path, folder: Path) -> list[Path]:
    """The seed .owl files, the last of them cut in half (not well-formed)."""
    folder.mkdir()
    files = sorted((out / "biopax").glob("*.owl"))
    for f in files:
        shutil.copy(f, folder / f.name)
    last = folder / files[-1].name
    last.write_bytes(last.read_bytes()[: last.stat().st_size // 2])
    return [folder / f.name for f in files]


def test_a_bad_file_leaves_the_embedded_store_as_it_was(out, tmp_path):
    """Issue 14.4: the graph was deleted before the new file parsed (206 -> 0 triples)."""
    store, graph = tmp_path / "store", "https://example.org/pfocr"
    files = _broken_copy(out, tmp_path / "bad")
    assert cli("load-rdf", str(out / "biopax"), "--store", str(store))[0] == 0
    assert cli("load-rdf", *(str(f) for f in files[:-1]), "--store", str(store), "--graph", graph)[0] == 0
    before = run_query(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    code, _, err = cli_err("load-rdf", str(tmp_path / "bad"), "--store", str(store))
    assert code == 1 and files[-1].name in err
    code, _, err = cli_err("load-rdf", *(str(f) for f in files), "--store", str(store), "--graph", graph)
    assert code == 1 and files[-1].name in err
    assert run_query(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g") == before


def test_a_store_in_use_or_not_a_folder_is_one_line(out, tmp_path):
    (tmp_path / "file").write_text("x")
    held = ox.Store(str(tmp_path / "held"))  # open elsewhere: Oxigraph locks the folder
    try:
        for store in (tmp_path / "file", tmp_path / "held"):
            code, _, err = cli_err("load-rdf", str(out / "ntriples"), "--store", str(store))
            assert code == 1 and err.count("\n") == 1 and str(store) in err
    finally:
        del held


def test_a_bad_file_leaves_the_server_graph_as_it_was(out, tmp_path, basic_env):
    """Issue 14.4, server: --graph with 2 files, the 2nd bad, left only the 1st file's triples (3,256 -> 206)."""
    files = [str(f) for f in _broken_copy(out, tmp_path / "bad")]
    graph = "https://example.org/pfocr"
    with GraphStoreServer(basic_env, auth="basic") as server:
        assert cli_err("load-rdf", *files[:-1], "--endpoint", server.url, "--graph", graph)[0] == 0
        before, writes = server.graphs(), len(server.requests)
        assert [r["method"] for r in server.requests] == ["PUT"]  # a graph of several files is one PUT
        code, _, err = cli_err("load-rdf", files[0], files[-1], "--endpoint", server.url, "--graph", graph)
        assert code == 1 and Path(files[-1]).name in err
        assert server.graphs() == before and len(server.requests) == writes  # nothing was sent


BOMB = ('<?xml version="1.0"?>\n<!{doctype} rdf:RDF [\n <!ENTITY lol0 "lol">\n'
        + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
        + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
          'xmlns:bp="http://www.biopax.org/release/biopax-level3.owl#">\n'
          '<bp:Pathway rdf:about="http://example.org/p"><bp:displayName>&lol9;</bp:displayName></bp:Pathway>\n'
          '</rdf:RDF>\n')


def _limited(*args: str) -> subprocess.CompletedProcess:
    """pfocr-export in a child held to 4 GB of address space and 60 s (an expanding bomb dies, not the machine;
    check reserves address space for its 2 GB read limit)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    return subprocess.run([sys.executable, "-m", "exporters", *args], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit, cwd=ROOT)


@pytest.mark.parametrize("doctype", ["DOCTYPE", "doctype"])  # Oxigraph's XML reader takes either
def test_rdfxml_entity_bombs_are_refused_unread(tmp_path, doctype):
    """Issue 14.2: a 1 KB billion-laughs .owl without 'Description' reached pyoxigraph, which grew past 6 GB."""
    bomb = tmp_path / "laughs.owl"
    bomb.write_text(BOMB.replace("{doctype}", doctype))
    assert bomb.stat().st_size < 1100 and b"Description" not in bomb.read_bytes()
    for args in (["check", str(bomb)], ["load-rdf", str(bomb), "--store", str(tmp_path / "store")],
                 ["load-rdf", str(bomb), "--endpoint", f"http://127.0.0.1:{_free_port()}/store"]):
        started = time.monotonic()
        done = _limited(*args)
        assert done.returncode == 1, done.stderr
        assert "DOCTYPE or entity declaration" in done.stderr and "Traceback" not in done.stderr, args
        assert time.monotonic() - started < 30


def test_deeply_nested_rdfxml_is_refused_before_oxigraph(tmp_path):
    """32,000 nested elements (1.5 MB) took Oxigraph's RDF/XML reader 52 s, and the time grows with the square."""
    deep = tmp_path / "deep.owl"
    levels = 16_000
    deep.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns:e="http://example.org/">' + '<e:T rdf:about="http://example.org/s"><e:p>' * levels
                    + "</e:p></e:T>" * levels + "</rdf:RDF>\n")
    for args in (["--store", str(tmp_path / "store")], ["--endpoint", f"http://127.0.0.1:{_free_port()}/store"]):
        started = time.monotonic()
        done = _limited("load-rdf", str(deep), *args)
        assert done.returncode == 1 and "nested deeper than 256" in done.stderr, done.stderr
        assert time.monotonic() - started < 30


VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
ServerThreads = 4
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A real Virtuoso 7 (Debian virtuoso-opensource) in a fresh database; user dba, password dba."""
    if not VIRTUOSO:
        pytest.skip("virtuoso-t (Debian package virtuoso-opensource-7-bin) is not installed")
    folder = tmp_path_factory.mktemp("virtuoso")
    port = _free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql=_free_port(), http=port))
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail("virtuoso did not start in 60 s")
        if proc.poll() is not None:
            pytest.fail(f"virtuoso exited: {(folder / 'virtuoso.log').read_text(errors='replace')[-500:]}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def virtuoso_count(url: str, graph: str) -> int:
    query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    request = urllib.request.Request(f"{url}/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=180) as response:  # generous: CI machines are shared
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_virtuoso_digest_upload(virtuoso, big_nt, out, monkeypatch):
    """Issue 13.9 on the real server: a 30 MB file and the seed folder through /sparql-graph-crud-auth."""
    monkeypatch.setenv("PFOCR_SPARQL_USER", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_AUTH", "digest")
    endpoint, graph = virtuoso + "/sparql-graph-crud-auth", "https://example.org/big"
    code, text, err = cli_err("load-rdf", str(big_nt), "--endpoint", endpoint, "--graph", graph)
    assert code == 0 and "loaded 1 file(s)" in text, err
    assert virtuoso_count(virtuoso, graph) == BIG_TRIPLES
    for _ in range(2):  # the reload replaces
        code, text, err = cli_err("load-rdf", str(out / "biopax"), "--endpoint", endpoint)
        assert code == 0 and "10 file(s) into 10 named graph(s)" in text, err
    owl = out / "biopax" / f"{FIGURE}.owl"
    assert virtuoso_count(virtuoso, DEFAULT_GRAPH_BASE + FIGURE) == len(list(ox.parse(path=str(owl), format=ox.RdfFormat.RDF_XML)))
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "wrong")
    code, _, err = cli_err("load-rdf", str(big_nt), "--endpoint", endpoint, "--graph", graph)
    assert code == 1 and "HTTP 401" in err
    assert virtuoso_count(virtuoso, graph) == BIG_TRIPLES

