"""Regenerate every file of the example gallery from the bundled records, with the tools that draw them.

    python examples/make_gallery.py            # everything (pictures need the tools below)
    python examples/make_gallery.py --no-pictures

Writes, from the code as it is:
  gpml/    seed 001 as GPML 2013a and 2021, our own SVG/PNG preview, and pvjs's drawing (WikiPathways' renderer)
  cx/      seed 002 as CX1 and CX2, and cytoscape-cx2js's drawing (NDEx's viewer) in headless Chromium
  rdf/     the answers of the example SPARQL queries on the five seeds (rdf/make_answers.py)
  v2023/   one real v2023 record in every format, and its GPML preview
Pictures need ``bash .ci/install-node-tools`` (pvjs, cytoscape-cx2js), Debian's chromium and cairosvg
(``pip install -e '.[preview]'``); without them the text files are still written and each missing
picture is named. tests/test_examples.py, test_gpml.py and test_cx.py check the text files are current.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from exporters.cli import main  # noqa: E402

GPML_SEED = "PMC7048131__12964_2020_527_Fig5_HTML"
CX_SEED = "PMC5308639__oncotarget-07-61107-g007"
V2023_RECORD = ROOT / "tests" / "data" / "v2023" / "_figures" / "PMC10030845__fimmu-14-1150879-g002.md"
V2023_FORMATS = "json,gpml,gpml2021,biopax,turtle,cx,cx2"


def convert(*args: str) -> None:
    """pfocr-export convert, quietly; stops the gallery on any failure."""
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["convert", "-q", "-j", "1", *args])
    if code != 0:
        sys.exit(f"make_gallery: convert {' '.join(args)} exited {code}")


def gpml(work: Path, pictures: bool) -> list[str]:
    convert("-o", str(work), "-f", "gpml,gpml2021", "--preview")
    out = HERE / "gpml"
    shutil.copyfile(work / "gpml" / f"{GPML_SEED}.gpml", out / f"{GPML_SEED}.gpml")
    shutil.copyfile(work / "gpml2021" / f"{GPML_SEED}.gpml", out / f"{GPML_SEED}.2021.gpml")
    shutil.copyfile(work / "gpml" / f"{GPML_SEED}.svg", out / f"{GPML_SEED}.svg")  # our preview, as text
    if not pictures:
        return []
    missing = []
    png = work / "gpml" / f"{GPML_SEED}.png"
    if png.exists():
        shutil.copyfile(png, out / png.name)
    else:
        missing.append(f"gpml/{png.name} (the PNG preview needs cairosvg)")
    drawn = subprocess.run(["bash", str(out / "draw-with-pvjs"), str(out / f"{GPML_SEED}.gpml"),
                            str(out / f"{GPML_SEED}.pvjs.png")], capture_output=True, text=True)
    if drawn.returncode != 0:
        missing.append(f"gpml/{GPML_SEED}.pvjs.png (draw-with-pvjs: {drawn.stderr.strip()[-200:]})")
    return missing


def cx(work: Path, pictures: bool) -> list[str]:
    convert("-o", str(work), "-f", "cx,cx2")
    out = HERE / "cx"
    for name in ("cx", "cx2"):
        shutil.copyfile(work / name / f"{CX_SEED}.{name}", out / f"{CX_SEED}.{name}")
    if not pictures:
        return []
    drawn = subprocess.run([sys.executable, str(out / "render.py")], capture_output=True, text=True)
    return [] if drawn.returncode == 0 else [f"cx/{CX_SEED}.png (render.py: {drawn.stderr.strip()[-200:]})"]


def v2023(work: Path, pictures: bool) -> list[str]:
    out = HERE / "v2023"
    for name in V2023_FORMATS.split(","):  # stale outputs go; the picture stays unless redrawn below
        for old in (out / name).glob("*"):
            if old.suffix != ".png":
                old.unlink()
    convert("-o", str(out), "-f", V2023_FORMATS, str(V2023_RECORD))
    if not pictures:
        return []
    convert("-o", str(work), "-f", "gpml", "--preview", str(V2023_RECORD))
    png = work / "gpml" / f"{V2023_RECORD.stem}.png"
    if not png.exists():
        return [f"v2023/gpml/{png.name} (the PNG preview needs cairosvg)"]
    shutil.copyfile(png, out / "gpml" / png.name)
    return []


def main_gallery(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-pictures", dest="pictures", action="store_false", help="only the text files")
    args = parser.parse_args(argv)
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        missing += gpml(work / "gpml", args.pictures)
        missing += cx(work / "cx", args.pictures)
        missing += v2023(work / "v2023", args.pictures)
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(str(HERE / "rdf" / "make_answers.py"), run_name="__main__")
    for line in missing:
        print(f"make_gallery: not drawn: {line}", file=sys.stderr)
    print(f"make_gallery: examples/ regenerated{'' if not missing else f', {len(missing)} picture(s) missing'}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main_gallery())
