"""Regenerate the answers (*.tsv) of the example queries (*.rq) on the five seed figures.

    python examples/rdf/make_answers.py

Converts the seeds to BioPAX with the WikiPathways view, loads them into a
temporary embedded Oxigraph store and runs every query with
``pfocr-export query``'s engine. tests/test_triplestore.py checks that the
committed answers still hold.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

from exporters.cli import main
from exporters.triplestore import run_query

HERE = Path(__file__).resolve().parent


def seed_store(folder: Path) -> Path:
    """Seeds → out/biopax (+ .wp.ttl) → embedded store; returns the store folder."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["convert", "-o", str(folder / "out"), "-f", "biopax", "--wp-view"]) == 0
        assert main(["load-rdf", str(folder / "out" / "biopax"), "--store", str(folder / "store")]) == 0
    return folder / "store"


def answer(store: Path, query: str) -> str:
    """The query's TSV answer; rows sorted when the query does not order them itself."""
    header, *rows = run_query(store, query)
    if "order by" not in query.lower():
        rows.sort()
    return "".join("\t".join(row) + "\n" for row in [header, *rows])


def main_() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp))
        for rq in sorted(HERE.glob("*.rq")):
            rq.with_suffix(".tsv").write_text(answer(store, rq.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"wrote {rq.with_suffix('.tsv').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
