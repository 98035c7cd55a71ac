"""Rebuild ``pfocr_stop_words.tsv``: PFOCR's own gene-NER stop lists, from its public pipeline code.

    python -m exporters.data.build_stop_words [--from DIR] [--out FILE]

Reads the ``stop_list = [...]`` literal of each file in SOURCES at its pinned
commit, from ``raw.githubusercontent.com`` or from ``--from DIR`` (a folder
holding ``<repo name>/<path>``, e.g. clones checked out at those commits), and
writes one row per (word, source) sorted by word then source, LF line ends.
The words are kept as PFOCR wrote them: upper case, letters and digits only;
PFOCR compares them with a word's letters and digits upper-cased. Nothing here
is imported at run time (``exporters.suspects`` reads the TSV).
"""

from __future__ import annotations

import argparse
import ast
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "pfocr_stop_words.tsv"

# name: (repository, path, commit, year); the commits are the ones the stop lists were read at
SOURCES = {
    "pfocr-pipeline": ("wikipathways/pfocr-pipeline", "4_ner_genes/ner_step_1.py",
                       "2bd0b39db9d43c2c1c363afa3f5157bc78c5f4bb", "2023"),
    "pathway-figure-ocr": ("wikipathways/pathway-figure-ocr", "transforms/stop.py",
                           "349678563b2622ede8fabc36221c30d81420757e", "2018"),
}
HEADER = ["word", "list", "repository", "path", "commit", "year"]


def stop_list(source: str) -> list[str]:
    """The words of the module-level ``stop_list = [...]`` assignment in Python source text."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "stop_list" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise SystemExit("no stop_list assignment found")


def fetch(repository: str, path: str, commit: str, local: Path | None) -> str:
    if local is not None:
        return (local / repository.split("/")[1] / path).read_text(encoding="utf-8")
    url = f"https://raw.githubusercontent.com/{repository}/{commit}/{path}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def build(local: Path | None = None) -> bytes:
    rows = set()
    for name, (repository, path, commit, year) in SOURCES.items():
        for word in stop_list(fetch(repository, path, commit, local)):
            rows.add((word, name, repository, path, commit, year))
    lines = ["\t".join(HEADER)] + ["\t".join(r) for r in sorted(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exporters.data.build_stop_words",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="local", type=Path, help="folder of local copies instead of GitHub")
    parser.add_argument("--out", type=Path, default=OUT, help="output file (default: %(default)s)")
    args = parser.parse_args(argv)
    data = build(args.local)
    args.out.write_bytes(data)
    rows = data.count(b"\n") - 1
    print(f"{rows} rows  {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
