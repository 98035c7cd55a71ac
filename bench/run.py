"""Benchmark: pfocr-exporters on the real PFOCR 2020 corpus, side by side with the libraries users
would otherwise use (rdflib for BioPAX, ndex2 for CX). Not run by CI; see bench/RESULTS.md.

    python bench/run.py                       # 3,592 real figures: floor, ours per format, peers
    python bench/run.py --scale 100000        # also: all formats on 100,000 figures (memory)

Every number is measured in this one run in a fresh subprocess (wall seconds, peak RSS of the
largest process), and every claim is a ratio of two numbers from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("PFOCR_SHARED", ROOT.parent / "shared")) / "pfocr-corpus"
FORMATS = ["gpml", "gpml2021", "biopax", "turtle", "ntriples", "cx", "cx2"]


# --- steps, each run in its own subprocess ---------------------------------------------------

def step_floor(corpus: str) -> None:
    """Reading and parsing the input alone."""
    from exporters.bulk import iter_bulk

    count = sum(1 for _ in iter_bulk(corpus))
    print(f"figures={count}", file=sys.stderr)


def step_convert(corpus: str, formats: str, jobs: str, out: str) -> None:
    """Our end-to-end convert: read, resolve, serialize, validate, write atomically."""
    from exporters.cli import main

    code = main(["convert", "--bulk", corpus, "-o", out, "-f", formats, "-j", jobs, "-q"])
    if code:
        raise SystemExit(code)


def step_rdflib(nt_file: str, fmt: str) -> None:
    """The same BioPAX triples added to one rdflib Graph and serialised (building + writing timed)."""
    import rdflib

    triples = list(rdflib.Graph().parse(nt_file, format="nt"))  # untimed: the content to build
    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.bind("bp", "http://www.biopax.org/release/biopax-level3.owl#")
    for triple in triples:
        graph.add(triple)
    graph.serialize(destination=os.devnull, format=fmt)
    print(f"timed={time.perf_counter() - started:.3f}", file=sys.stderr)


def step_ndex2(corpus: str, version: str, out: str) -> None:
    """The same CX networks end to end with the ndex2 client's builders: read and resolve the figures
    and lay them out with our shared model (any tool needs that content), build each network with
    ``NiceCXNetwork``/``CX2Network``, serialise with ``to_cx()``/``to_cx2()`` and write one file per
    figure. Our schema and NDEx-rule checks have no counterpart here. Also times, on the same
    in-memory content, the library part alone: ndex2's build + serialise against ours."""
    from exporters.bulk import iter_bulk
    from exporters.formats import cx
    from exporters.pathway import make_pathway
    from exporters.records import RecordError

    build = _ndex2_cx1 if version == "cx" else _ndex2_cx2
    ours = cx.Cx1Exporter() if version == "cx" else cx.Cx2Exporter()
    build([], [], {})  # import ndex2 (pandas, networkx) before the clock starts
    started = time.perf_counter()
    library = mine = 0.0
    for figure in iter_bulk(corpus):
        if isinstance(figure, RecordError):
            continue
        pathway = make_pathway(figure)
        nodes, edges = cx.network_nodes(pathway), cx.network_edges(pathway)
        attributes = cx.network_attributes(pathway)
        t0 = time.perf_counter()
        data = json.dumps(build(nodes, edges, attributes)).encode()
        t1 = time.perf_counter()
        Path(out, f"{figure.figid}.{version}").write_bytes(data)
        t2 = time.perf_counter()
        cx._dump(ours.assemble(nodes, edges, attributes))
        mine += time.perf_counter() - t2
        library += t1 - t0
    print(f"timed={time.perf_counter() - started - mine:.3f}", file=sys.stderr)
    print(f"library={library:.3f} ours={mine:.3f}", file=sys.stderr)


def _ndex2_cx1(nodes: list, edges: list, attributes: dict) -> list:
    import contextlib
    import io

    from ndex2.nice_cx_network import NiceCXNetwork

    from exporters.formats.cx import EDGE_TYPES, NETWORK_TYPES, NODE_TYPES, _cx1_style

    net = NiceCXNetwork()
    for key, value in attributes.items():
        net.set_network_attribute(key, value, type=None if NETWORK_TYPES[key] == "string" else NETWORK_TYPES[key])
    layout = []
    for node in nodes:
        ident = net.create_node(node_name=node.name, node_represents=node.represents)
        for key, value in node.attrs.items():
            net.set_node_attribute(ident, key, value, type=None if NODE_TYPES[key] == "string" else NODE_TYPES[key])
        layout.append({"node": ident, "x": node.box.x, "y": node.box.y})
    for edge in edges:
        ident = net.create_edge(edge_source=edge.source, edge_target=edge.target, edge_interaction=edge.interaction)
        for key, value in edge.attrs.items():
            net.set_edge_attribute(ident, key, value, type=EDGE_TYPES[key])
    net.set_opaque_aspect("cartesianLayout", layout)
    net.set_opaque_aspect("cyVisualProperties", _cx1_style(nodes))
    with contextlib.redirect_stdout(io.StringIO()):  # to_cx() prints "Generating CX"
        return net.to_cx()


def _ndex2_cx2(nodes: list, edges: list, attributes: dict) -> list:
    from ndex2.cx2 import CX2Network

    from exporters.formats.cx import _cx2_style

    net = CX2Network()
    net.set_network_attributes(attributes)
    for node in nodes:
        values = {"name": node.name, **({"represents": node.represents} if node.represents else {}), **node.attrs}
        net.add_node(node_id=node.id, attributes=values, x=node.box.x, y=node.box.y)
    for edge in edges:
        net.add_edge(edge_id=edge.id, source=edge.source, target=edge.target,
                     attributes={"interaction": edge.interaction, **edge.attrs})
    net.set_visual_properties(_cx2_style())
    return net.to_cx2()


STEPS = {"floor": step_floor, "convert": step_convert, "rdflib": step_rdflib, "ndex2": step_ndex2}


# --- driver ----------------------------------------------------------------------------------

def measure(*args: str) -> tuple[float, float, str]:
    """Run one step in a fresh interpreter: (seconds, peak RSS in MB of its largest process, the
    step's ``library=`` line if any)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--step", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"step {args} failed:\n{proc.stderr[-3000:]}")
    lines = proc.stderr.splitlines()
    timed = [line for line in lines if line.startswith("timed=")]
    if timed:  # peers report their timed part, not imports and untimed setup
        seconds = float(timed[-1].split("=")[1])
    rss = [line for line in lines if line.startswith("rss_kb=")]
    extra = [line for line in lines if line.startswith("library=")]
    return seconds, int(rss[-1].split("=")[1]) / 1024, extra[-1] if extra else ""


def scaled_corpus(target: Path, figures: int) -> Path:
    """The real gene table replicated with new figids up to `figures` figures (figure tables copied)."""
    target.mkdir(parents=True, exist_ok=True)
    for table in CORPUS.glob("figures*.tsv"):
        shutil.copy(table, target / table.name)
    with (CORPUS / "genes_2020_subsets.tsv").open(encoding="utf-8") as handle:
        header = handle.readline()
        rows = [line.split("\t") for line in handle]
    figids = list(dict.fromkeys(r[1] for r in rows))
    by_figid: dict[str, list[list[str]]] = {}
    for row in rows:
        by_figid.setdefault(row[1], []).append(row)
    written = 0
    with (target / "genes_scaled.tsv").open("w", encoding="utf-8") as out:
        out.write(header)
        copy = 0
        while written < figures:
            for figid in figids:
                if written == figures:
                    break
                new_id = figid if copy == 0 else figid.replace(".jpg", f"-copy{copy}.jpg")
                for row in by_figid[figid]:
                    out.write("\t".join([row[0], new_id, *row[2:]]))
                written += 1
            copy += 1
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, help="also convert this many figures (replicated) for memory")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        STEPS[args.step[0]](*args.step[1:])
        peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        print(f"rss_kb={peak}", file=sys.stderr)
        return
    if not (CORPUS / "genes_2020_subsets.tsv").is_file():
        raise SystemExit(f"the PFOCR corpus is not at {CORPUS} (set PFOCR_SHARED)")
    rows: list[tuple[str, float, float, str]] = []

    def record(label: str, seconds: float, rss: float, note: str = "") -> None:
        rows.append((label, seconds, rss, note))
        memory = f"{rss:8.0f} MB" if rss else " " * 11
        print(f"{label:<48} {seconds:8.2f} s  {memory}  {note}", flush=True)

    with tempfile.TemporaryDirectory(prefix="pfocr-bench-") as tmp:
        work = Path(tmp)
        corpus = str(CORPUS)
        floor, rss, _ = measure("floor", corpus)
        record("floor: read + parse 3,592 figures", floor, rss)
        ours: dict[str, float] = {}
        for jobs in ("1", "2"):
            for fmt in FORMATS:
                seconds, rss, _ = measure("convert", corpus, fmt, jobs, str(work / f"out-{fmt}-{jobs}"))
                ours[f"{fmt}-j{jobs}"] = seconds
                record(f"ours: {fmt} -j {jobs}", seconds, rss, f"{seconds / floor:.1f}x floor")
            seconds, rss, _ = measure("convert", corpus, ",".join(FORMATS), jobs, str(work / f"out-all-{jobs}"))
            ours[f"all-j{jobs}"] = seconds
            record(f"ours: all 7 formats -j {jobs}", seconds, rss, f"{seconds / floor:.1f}x floor")
        nt = str(work / "out-ntriples-1" / "ntriples" / "pfocr.nt")
        best_biopax = min(ours["biopax-j1"], ours["biopax-j2"])
        for fmt in ("pretty-xml", "turtle"):
            seconds, rss, _ = measure("rdflib", nt, fmt)
            record(f"peer: rdflib Graph -> {fmt}", seconds, rss, f"{seconds / ours['biopax-j1']:.1f}x ours -j 1 "
                   f"({seconds / best_biopax:.1f}x best)")
        for version, label in (("cx", "NiceCXNetwork -> to_cx()"), ("cx2", "CX2Network -> to_cx2()")):
            (work / f"ndex2-{version}").mkdir()
            seconds, rss, extra = measure("ndex2", corpus, version, str(work / f"ndex2-{version}"))
            best = min(ours[f"{version}-j1"], ours[f"{version}-j2"])
            record(f"peer: ndex2 {label}, end to end", seconds, rss,
                   f"{seconds / ours[f'{version}-j1']:.1f}x ours -j 1 ({seconds / best:.1f}x best)")
            library, mine = (float(part.split("=")[1]) for part in extra.split())
            record(f"  library part alone: ndex2 vs our {version} writer", library, 0,
                   f"{library / mine:.1f}x ours ({mine:.2f} s)")
        if args.scale:
            scaled = scaled_corpus(work / "scaled", args.scale)
            seconds, rss, _ = measure("convert", str(scaled), ",".join(FORMATS), "2", str(work / "out-scaled"))
            record(f"ours: all 7 formats, {args.scale:,} figures -j 2", seconds, rss,
                   f"{args.scale / seconds:.0f} figures/s")
    write_results(args.results, rows)


def write_results(path: Path, rows: list[tuple[str, float, float, str]]) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    lines = ["| step | seconds | peak RSS (MB) | ratio |", "|---|---:|---:|---|"]
    lines += [f"| {label} | {seconds:.2f} | {rss:.0f} | {note} |" if rss else f"| {label} | {seconds:.2f} | | {note} |"
              for label, seconds, rss, note in rows]
    block = "\n".join([f"## Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
                       f"Machine: {machine}; code at commit {commit}", "", *lines, ""])
    previous = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    marker = "<!-- runs -->"
    if marker not in previous:
        previous = previous.rstrip() + f"\n\n{marker}\n"
    path.write_text(previous.replace(marker, f"{marker}\n\n{block}"), encoding="utf-8")
    print(f"\nresults added to {path}")


if __name__ == "__main__":
    main()
