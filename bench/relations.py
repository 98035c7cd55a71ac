"""Score the caption relation reader (exporters.relations) against hand-annotated captions. Not run by CI.

    python bench/relations.py            # the development set ../shared/caption-relations/dev.tsv
    python bench/relations.py --extra    # our own check set tests/data/relations-extra.tsv
    python bench/relations.py --gold G.tsv --figures F.tsv   # any set annotated the same way
    python bench/relations.py --show     # also list every missed and every wrong relation

The scoring rule is GUIDELINES.md's: a predicted relation matches a gold row of the same figure when both
ends match (a family end matches the family name or any of its member genes on the record; undirected
types match in either order) and the type matches; relations count once per figure, ends and type.
Precision, recall and F1 are reported overall and per type; ``chain`` relations are scored on their own.
The figures are read with our own readers: the seeds and v2023 records with exporters.records, the 2020
corpus figures with exporters.bulk. Our own sets follow GUIDELINES.md and the conventions of the development
set's README: tests/data/relations-extra.tsv (annotated before the reader was tuned, then used to tune it),
tests/data/relations-untuned.tsv (annotated later and first scored before any change made for it) and
tests/data/relations-fresh.tsv (20 more corpus figures, annotated and first scored before any change made
for it; the changes after it were judged on untuned and fresh together).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exporters.bulk import iter_bulk  # noqa: E402
from exporters.model import Figure  # noqa: E402
from exporters.records import read_record  # noqa: E402
from exporters.relations import TYPES, extract  # noqa: E402

SHARED = Path(os.environ.get("PFOCR_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "caption-relations"
EXTRA = ROOT / "tests" / "data"
GENE_TABLE = "pfocr-corpus/genes_2020_subsets.tsv"
CHEMICAL_TABLE = "pfocr-corpus/chemicals_2020_terpene_subsets.tsv"
TARGET_PRECISION, TARGET_RECALL = 0.85, 0.5

Key = tuple[str, str, str]  # (source, target, type)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_figures(figures_tsv: Path) -> dict[str, Figure]:
    """The figures a set lists, by figid; ``source`` is a path under ../shared (records) or a corpus table."""
    rows = read_tsv(figures_tsv)
    figures: dict[str, Figure] = {}
    tables: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        source = row["source"]
        if source.startswith("pfocr-corpus/"):
            tables[source].add(row["figid"])
        else:
            figures[row["figid"]] = read_record(SHARED / source)
    for table, wanted in sorted(tables.items()):
        for figure in iter_bulk(SHARED / GENE_TABLE, figures=[SHARED / table], chemicals=SHARED / CHEMICAL_TABLE):
            if isinstance(figure, Figure) and figure.figid in wanted:
                figures[figure.figid] = figure
    missing = [row["figid"] for row in rows if row["figid"] not in figures]
    if missing:
        raise SystemExit(f"figures not found: {', '.join(missing)}")
    return figures


def members(figure: Figure) -> dict[str, set[str]]:
    """fplx:<family> -> ncbigene keys of its member genes on the record."""
    found: dict[str, set[str]] = defaultdict(set)
    for gene in figure.genes:
        if gene.is_family_member:
            found[f"fplx:{gene.symbol}"].add(f"ncbigene:{gene.entrez}")
    return found


def same_end(a: str, b: str, family: dict[str, set[str]]) -> bool:
    return a == b or b in family.get(a, ()) or a in family.get(b, ())


def matches(pred: Key, gold: Key, family: dict[str, set[str]]) -> bool:
    if pred[2] != gold[2]:
        return False
    if same_end(pred[0], gold[0], family) and same_end(pred[1], gold[1], family):
        return True
    return pred[2] == "binding" and same_end(pred[0], gold[1], family) and same_end(pred[1], gold[0], family)


class Tally:
    def __init__(self) -> None:
        self.pred = self.pred_ok = self.gold = self.gold_ok = 0

    def line(self, name: str) -> str:
        p = self.pred_ok / self.pred if self.pred else 0.0
        r = self.gold_ok / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return (f"{name:16} precision {p:5.3f} ({self.pred_ok}/{self.pred})  recall {r:5.3f} "
                f"({self.gold_ok}/{self.gold})  F1 {f:5.3f}")

    def precision(self) -> float:
        return self.pred_ok / self.pred if self.pred else 0.0

    def recall(self) -> float:
        return self.gold_ok / self.gold if self.gold else 0.0


def score(figures: dict[str, Figure], gold_rows: list[dict[str, str]], show: bool = False,
          out=sys.stdout) -> dict[str, Tally]:
    """Tallies by type, plus "all" (every type but chain) and "chain"."""
    gold: dict[str, set[Key]] = defaultdict(set)
    for row in gold_rows:
        gold[row["figid"]].add((row["source"], row["target"], row["type"]))
    tallies: dict[str, Tally] = defaultdict(Tally)
    for figid, figure in sorted(figures.items()):
        family = members(figure)
        predicted = {}
        for rel in extract(figure, chains=True):
            predicted.setdefault((rel.source, rel.target, rel.type), rel)
        expected = gold.get(figid, set())
        for key, rel in predicted.items():
            ok = any(matches(key, g, family) for g in expected)
            for name in {"chain" if key[2] == "chain" else "all", key[2]}:
                tallies[name].pred += 1
                tallies[name].pred_ok += ok
            if show and not ok:
                print(f"  WRONG {figid} s{rel.sentence} {key[0]} -> {key[1]} {key[2]}"
                      f"{' (hedged)' if rel.hedged else ''}: {rel.evidence}", file=out)
        for key in sorted(expected):
            ok = any(matches(p, key, family) for p in predicted)
            for name in {"chain" if key[2] == "chain" else "all", key[2]}:
                tallies[name].gold += 1
                tallies[name].gold_ok += ok
            if show and not ok:
                print(f"  MISSED {figid} {key[0]} -> {key[1]} {key[2]}", file=out)
    return tallies


def report(tallies: dict[str, Tally], out=sys.stdout) -> None:
    print(tallies["all"].line("relations"), file=out)
    for kind in TYPES:
        if kind != "chain" and (tallies[kind].pred or tallies[kind].gold):
            print("  " + tallies[kind].line(kind), file=out)
    print(tallies["chain"].line("chain"), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extra", action="store_true", help="score tests/data/relations-extra.tsv instead of dev.tsv")
    parser.add_argument("--gold", type=Path, help="relations TSV (dev.tsv columns)")
    parser.add_argument("--figures", type=Path, help="its figures TSV (dev-figures.tsv columns)")
    parser.add_argument("--show", action="store_true", help="list missed and wrong relations")
    args = parser.parse_args(argv)
    if args.gold or args.figures:
        if not (args.gold and args.figures):
            parser.error("--gold and --figures go together")
        gold_tsv, figures_tsv = args.gold, args.figures
    elif args.extra:
        gold_tsv, figures_tsv = EXTRA / "relations-extra.tsv", EXTRA / "relations-extra-figures.tsv"
    else:
        gold_tsv, figures_tsv = DEV / "dev.tsv", DEV / "dev-figures.tsv"
    figures = load_figures(figures_tsv)
    started = time.perf_counter()
    tallies = score(figures, read_tsv(gold_tsv), show=args.show)
    elapsed = time.perf_counter() - started
    print(f"{gold_tsv.name}: {len(figures)} figures, read in {elapsed:.2f} s")
    report(tallies)
    ok = tallies["all"].precision() >= TARGET_PRECISION and tallies["all"].recall() >= TARGET_RECALL
    print(f"target precision >= {TARGET_PRECISION} and recall >= {TARGET_RECALL}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
