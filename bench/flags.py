"""How many gene mentions each suspect flag marks, and how often a flagged mention is a real error.

    python bench/flags.py                 # counts on the seeds, the v2023 records and the 2020 corpus,
                                          # plus precision per flag on tests/data/flag-sample.tsv
    python bench/flags.py --draw N        # print a fresh sample to label (N flagged mentions per flag
                                          # and N unflagged ones), as tests/data/flag-sample.tsv rows
    python bench/flags.py --draw-flag CODE N   # N more mentions with one flag, none already sampled

A mention counts once per flag it carries. In the sample, ``correct`` says whether the word on the
figure really names the gene it matched (for a family member: the family), judged from the figure's
title, caption and other words; a v2023 gene row must also be of an organism the figure is about,
while rows of the human-only lexicon (2020, v2021) are judged by the gene alone. A flag's precision
is the share of its sampled mentions that are not correct.
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
CAPTION_SAMPLE = ROOT / "tests" / "data" / "flag-sample-caption.tsv"  # held out for caption_meaning
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


def current_flags(rows: list[dict[str, str]]) -> list[str]:
    """The flags today's rules give each sampled mention (found again by figid, word and Entrez id)."""
    wanted = {r["figid"] for r in rows}
    found: dict[tuple[str, str, str], str] = {}
    for figure in [*figures("corpus"), *figures("v2023")]:
        if figure.figid in wanted:
            for m, flags in suspect_flags(make_pathway(figure)).items():
                found[(figure.figid, m.word, m.entrez)] = ",".join(dict.fromkeys(f.code for f in flags))
    return [found.get((r["figid"], r["word"], r["entrez"]), "") for r in rows]


def precision_table(rows: list[dict[str, str]], flags_now: list[str]) -> str:
    """Per flag: labelled mentions carrying it and the share of them that were wrong matches, with the
    flags as drawn (the rules before tuning) and with today's rules."""
    lines = ["| flag | rules as labelled: flagged | wrong | precision | today's rules: flagged | wrong | precision |",
             "|---|---|---|---|---|---|---|"]
    for code in [*FLAGS, ""]:
        cells = []
        for flags in ([r["flags"] for r in rows], flags_now):
            group = [r for r, f in zip(rows, flags) if (code in f.split(",") if code else not f)]
            wrong = sum(r["correct"] == "no" for r in group)
            cells += [str(len(group)), str(wrong), f"{wrong / len(group):.0%}" if group else "–"]
        lines.append(f"| {f'`{code}`' if code else '(no flag)'} | " + " | ".join(cells) + " |")
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


def draw_flag(code: str, count: int, seed: int, exclude: set[tuple[str, str, str]]) -> list[list[str]]:
    """count more mentions carrying one flag (at most two per word and MAX_PER_FIGURE per figure), none
    of those in exclude: a held-out sample for a flag added after the first sample was labelled."""
    rows = []
    for figure in [*figures("corpus"), *figures("v2023")]:
        for m, flags in suspect_flags(make_pathway(figure)).items():
            codes = list(dict.fromkeys(f.code for f in flags))
            if code in codes and (figure.figid, m.word, m.entrez) not in exclude:
                rows.append([figure.figid, m.word, m.hgnc_symbol, m.entrez, m.source, ",".join(codes), "", ""])
    random.Random(seed).shuffle(rows)
    picked: list[list[str]] = []
    per_word: Counter = Counter()
    per_figure: Counter = Counter()
    for row in rows:
        if len(picked) < count and per_word[row[1].casefold()] < 2 and per_figure[row[0]] < MAX_PER_FIGURE:
            per_word[row[1].casefold()] += 1
            per_figure[row[0]] += 1
            picked.append(row)
    return sorted(picked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draw", type=int, metavar="N", help="print a new sample to label instead")
    parser.add_argument("--draw-flag", nargs=2, metavar=("CODE", "N"), help="print N more mentions with one flag")
    args = parser.parse_args(argv)
    if args.draw_flag:
        sampled = {(r["figid"], r["word"], r["entrez"]) for f in (SAMPLE, CAPTION_SAMPLE) for r in read_sample(f)}
        print("\t".join(SAMPLE_COLUMNS))
        for row in draw_flag(args.draw_flag[0], int(args.draw_flag[1]), 18, sampled):
            print("\t".join(row))
        return 0
    if args.draw:
        print("\t".join(SAMPLE_COLUMNS))
        for row in draw(args.draw):
            print("\t".join(row))
        return 0
    print("## Mentions flagged, per flag\n")
    print(counts_table())
    rows = read_sample()
    print(f"\n## Precision on the hand-labelled sample ({len(rows)} mentions, {SAMPLE.relative_to(ROOT)})\n")
    print(precision_table(rows, current_flags(rows)))
    held_out = read_sample(CAPTION_SAMPLE)
    flags_now = current_flags(held_out)
    flagged = [r for r, f in zip(held_out, flags_now) if "caption_meaning" in f.split(",")]
    wrong = sum(r["correct"] == "no" for r in flagged)
    print(f"\n`caption_meaning`, added after the sample above was labelled, on {len(held_out)} further mentions "
          f"drawn for it ({CAPTION_SAMPLE.relative_to(ROOT)}): {len(flagged)} flagged today, {wrong} wrong, "
          f"precision {wrong / max(len(flagged), 1):.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
