"""examples/v2023/ holds what every format writes today for one real v2023 record."""

from __future__ import annotations

from pathlib import Path

from exporters.cli import main

from conftest import ROOT, V2023_DIR

FOLDER = ROOT / "examples" / "v2023"
FIGID = "PMC10030845__fimmu-14-1150879-g002"  # a human figure with zebrafish genes, ChEBI and DOID ids
FORMATS = "json,gpml,gpml2021,biopax,turtle,cx,cx2"


def test_v2023_example_is_current(tmp_path):
    assert main(["convert", "-q", "-j", "1", "-f", FORMATS, "-o", str(tmp_path),
                 str(V2023_DIR / "_figures" / f"{FIGID}.md")]) == 0
    written = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    shipped = {p.relative_to(FOLDER).as_posix(): p.read_bytes() for p in FOLDER.rglob("*")
               if p.is_file() and p.suffix not in (".md", ".png")}
    assert set(shipped) == set(written)
    for name, data in shipped.items():
        assert data == written[name], f"examples/v2023/{name} is stale: regenerate it (see examples/README.md)"
