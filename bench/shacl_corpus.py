"""Check a corpus N-Triples file against the BioPAX SHACL shapes with pySHACL (not run by CI).

    pfocr-export convert --bulk ../shared/pfocr-corpus -o out -f ntriples
    python bench/shacl_corpus.py out/ntriples/pfocr.nt     # 2020 corpus: ~5 min, ~1.5 GB

Prints whether the file conforms and every finding; exits 1 when it does not conform.
"""

from __future__ import annotations

import sys
import time

import rdflib
from pyshacl import validate

from exporters.resources import schema_path


def main(path: str) -> int:
    started = time.perf_counter()
    data = rdflib.Graph().parse(path, format="nt")
    shapes = rdflib.Graph().parse(schema_path("biopax-shapes.ttl"), format="turtle")
    conforms, _, report = validate(data, shacl_graph=shapes, allow_warnings=True)
    print(f"{len(data):,} triples, conforms: {conforms} ({time.perf_counter() - started:.0f} s)")
    print(report)
    return 0 if conforms else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
