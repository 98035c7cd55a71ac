"""load-rdf / query: the seeds in an embedded Oxigraph store and in a real Oxigraph server."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from exporters.cli import main
from exporters.formats.biopax import DEFAULT_BASE
from exporters.triplestore import DEFAULT_GRAPH_BASE, _auth_header, run_query

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


def test_endpoint_errors_are_reported(out, capsys):
    port = _free_port()  # nothing listens there
    code = main(["load-rdf", str(out / "ntriples"), "--endpoint", f"http://127.0.0.1:{port}/store"])
    assert code == 1 and "load-rdf" in capsys.readouterr().err
    assert main(["load-rdf", str(out / "nothing-here")]) == 1


def test_auth_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("PFOCR_SPARQL_USER", raising=False)
    assert _auth_header() == {}
    monkeypatch.setenv("PFOCR_SPARQL_USER", "dba")
    monkeypatch.setenv("PFOCR_SPARQL_PASSWORD", "secret")
    assert _auth_header() == {"Authorization": "Basic ZGJhOnNlY3JldA=="}
    monkeypatch.setenv("PFOCR_SPARQL_AUTH", "digest")  # answered to the server's challenge instead
    assert _auth_header() == {}
