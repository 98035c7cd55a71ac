"""How many gene mentions each suspect flag marks, and how often a flagged mention is a real error.

    python bench/flags.py                 # counts on the seeds, the v2023 records and the 2020 corpus,
                                          # plus precision per flag on tests/data/flag-sample.tsv
    python bench/flags.py --draw N        # print a fresh sample to label (N flagged mentions per flag
                                          # and N unflagged ones), as tests/data/flag-sample.tsv rows

A mention counts once per flag it carries. In the sample, ``correct`` says whether the word on the
figure really names the gene it matched (for a family member: the family), judged from the figure's
title and caption; a flag's precision is the share of its sampled mentions that are not correct.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from exporters.bulk import read_bulk
from exporters.model import Figure
from exporters.pathway import make_pathway
from exporters.records import find_records, read_record
from exporters.resources import seeds_dir
from exporters.suspects import FLAGS, suspect_flags

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("PFOCR_SHARED", ROOT.parent / "shared")) / "pfocr-corpus"
V2023 = ROOT / "tests" / "data" / "v2023"
SAMPLE = ROOT / "tests" / "data" / "flag-sample.tsv"
MAX_PER_FIGURE = 4  # sampled mentions per figure, so that no one figure dominates
SAMPLE_COLUMNS = ["figid", "word", "gene", "entrez", "source", "flags", "correct", "note"]


def figures(name: str) -> Iterable[Figure]:
    if name == "corpus":
        return read_bulk(CORPUS)
    return (read_record(p) for p in find_records([seeds_dir() if name == "seeds" else V2023]))


def count(name: str) -> tuple[int, Counter, int]:
    """(mentions, mentions per flag, mentions with any flag) over one collection."""
    mentions, per_flag, flagged = 0, Counter(), 0
    for figure in figures(name):
        flags = suspect_flags(make_pathway(figure))
        mentions += len(figure.genes)
        flagged += len(flags)
        for mention_flags in flags.values():
            per_flag.update({f.code for f in mention_flags})
    return mentions, per_flag, flagged


def counts_table() -> str:
    names = ["seeds", "v2023"] + (["corpus"] if (CORPUS / "genes_2020_subsets.tsv").is_file() else [])
    results = {name: count(name) for name in names}
    head = "| flag | " + " | ".join(f"{n} ({results[n][0]:,} mentions)" for n in names) + " |"
    lines = [head, "|---" * (len(names) + 1) + "|"]
    for code in FLAGS:
        lines.append(f"| `{code}` | " + " | ".join(f"{results[n][1][code]:,} ({results[n][1][code] / max(results[n][0], 1):.1%})"
                                                    for n in names) + " |")
    lines.append("| any flag | " + " | ".join(f"{results[n][2]:,} ({results[n][2] / max(results[n][0], 1):.1%})"
                                              for n in names) + " |")
    return "\n".join(lines)


def read_sample(path: Path = SAMPLE) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def precision_table(rows: list[dict[str, str]]) -> str:
    """Per flag: labelled mentions carrying it, how many were wrong, precision (share wrong)."""
    lines = ["| flag | sampled | wrong matches | precision |", "|---|---|---|---|"]
    groups = {code: [r for r in rows if code in r["flags"].split(",")] for code in FLAGS}
    groups["(no flag)"] = [r for r in rows if not r["flags"]]
    for code, group in groups.items():
        wrong = sum(r["correct"] == "no" for r in group)
        share = f"{wrong / len(group):.0%}" if group else "–"
        label = f"`{code}`" if code in FLAGS else code
        lines.append(f"| {label} | {len(group)} | {wrong} | {share} |")
    return "\n".join(lines)


def draw(per_flag: int, seed: int = 17) -> list[list[str]]:
    """Mentions on figures that have a caption (the 2020 corpus, and the v2023 records, the only ones
    with genes of other organisms): per_flag flagged ones for each flag and per_flag unflagged ones,
    at most two per word and MAX_PER_FIGURE per figure, drawn with a seeded random generator;
    ``correct`` left empty."""
    candidates: dict[str, list[list[str]]] = {code: [] for code in [*FLAGS, ""]}
    seen = set()
    for figure in [*figures("corpus"), *figures("v2023")]:
        flags = suspect_flags(make_pathway(figure))
        for m in figure.genes:
            key = (figure.figid, m.label, m.entrez)
            if key in seen or not figure.caption:
                continue
            seen.add(key)
            codes = list(dict.fromkeys(f.code for f in flags.get(m, ())))
            row = [figure.figid, m.word, m.hgnc_symbol, m.entrez, m.source, ",".join(codes), "", ""]
            for code in codes or [""]:
                candidates[code].append(row)
    rng = random.Random(seed)
    chosen: dict[tuple[str, str, str], list[str]] = {}
    per_figure: Counter = Counter()
    for code, rows in candidates.items():
        rng.shuffle(rows)
        per_word: Counter = Counter()
        picked = 0
        for row in rows:
            if picked == per_flag:
                break
            if (per_word[row[1].casefold()] == 2 or per_figure[row[0]] == MAX_PER_FIGURE
                    or (row[0], row[1], row[3]) in chosen):
                continue
            per_word[row[1].casefold()] += 1
            per_figure[row[0]] += 1
            chosen[(row[0], row[1], row[3])] = row
            picked += 1
    return sorted(chosen.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draw", type=int, metavar="N", help="print a new sample to label instead")
    args = parser.parse_args(argv)
    if args.draw:
        print("\t".join(SAMPLE_COLUMNS))
        for row in draw(args.draw):
            print("\t".join(row))
        return 0
    print("## Mentions flagged, per flag\n")
    print(counts_table())
    if SAMPLE.is_file():
        rows = read_sample()
        print(f"\n## Precision on the hand-labelled sample ({len(rows)} mentions, {SAMPLE.relative_to(ROOT)})\n")
        print(precision_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
