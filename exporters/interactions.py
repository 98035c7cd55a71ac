"""Draft interactions: the relations a figure's caption states, placed on the pathway's own nodes.

:func:`place` turns :func:`exporters.relations.extract`'s relations into :class:`Interaction` objects
whose ends are the pathway's :class:`~exporters.pathway.Gene`, :class:`~exporters.pathway.Family` or
chemical :class:`~exporters.pathway.Term` objects, one per distinct (ends, type), with every sentence
that states it. Exporters draw them; every format marks them as read from the caption and unreviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .relations import UNDIRECTED, Relation, extract

if TYPE_CHECKING:
    from .model import Figure
    from .pathway import Family, Gene, Term

    Node = Union[Gene, Family, Term]

SOURCE = "caption"
PROVENANCE = "read from the figure caption by pfocr-exporters' rule-based reader; unreviewed"
# Measured with `python bench/relations.py` (non-chain relations; README "Relations read from the caption")
QUALITY = "precision 0.91-0.98, recall 0.54-0.85 on hand-annotated corpus captions, 0.86, 0.29 on a set first scored; 1.00, 0.88 on the dev set"


@dataclass(frozen=True)
class Interaction:
    """One relation the caption states between two of the pathway's nodes."""

    source: "Node"
    target: "Node"
    source_key: str  # ncbigene:<Entrez id> | fplx:<family name> | mesh:<MeSH id>
    target_key: str
    type: str  # relations.TYPES: activation, inhibition, binding, expression, ..., chain
    directed: bool
    hedged: bool  # every statement of it is hedged (may/might/could)
    statements: tuple[Relation, ...]  # every sentence that states it, in caption order

    @property
    def evidence(self) -> str:
        """The first statement's sentence, verbatim."""
        return self.statements[0].sentence_text

    @property
    def span(self) -> str:
        """The shortest span of that sentence that states the relation."""
        return self.statements[0].evidence

    @property
    def is_chain(self) -> bool:
        """A slash-chain link ("IL-6/JAK/STAT3 pathway"): weaker than a stated relation."""
        return self.type == "chain"


def place(figure: "Figure", genes: dict[str, "Gene"], families: dict[str, "Family"],
          chemicals: dict[str, "Term"], chains: bool = False) -> tuple[Interaction, ...]:
    """The caption's relations between nodes the pathway has (genes by Entrez id, families by
    name, chemicals by MeSH id), merged per (ends, type); relations to anything else are dropped."""
    nodes: dict[str, Node] = {f"ncbigene:{k}": v for k, v in genes.items()}
    nodes.update((f"fplx:{k}", v) for k, v in families.items())
    nodes.update((f"mesh:{k}", v) for k, v in chemicals.items())
    merged: dict[tuple[str, str, str], list[Relation]] = {}
    for relation in extract(figure, chains=chains):
        if relation.source not in nodes or relation.target not in nodes or relation.source == relation.target:
            continue
        key = (relation.source, relation.target, relation.type)
        if relation.type in UNDIRECTED and (relation.target, relation.source, relation.type) in merged:
            key = (relation.target, relation.source, relation.type)
        merged.setdefault(key, []).append(relation)
    return tuple(
        Interaction(nodes[source], nodes[target], source, target, kind, statements[0].directed,
                    all(r.hedged for r in statements), tuple(statements))
        for (source, target, kind), statements in merged.items())
