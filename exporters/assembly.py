"""The choices that turn a figure into the pathway every format draws, made once for all of them."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Figure
from .pathway import Pathway, make_pathway
from .suspects import DEFAULT_TIER, apply_tier


@dataclass(frozen=True)
class Assembly:
    """convert's pathway options: which gene mentions count, which genes stay, what is read from the caption."""

    tier: str = DEFAULT_TIER  # suspects.TIERS: strict | synonyms | all
    drop_flagged: frozenset[str] = frozenset()  # suspects.FLAGS codes whose mentions are left out
    only_figure_organism: bool = False  # leave out genes of another organism than the figure's
    interactions: bool = True  # draft interactions read from the caption
    chains: bool = False  # also slash chains ("IL-6/JAK/STAT3 pathway")

    def pathway(self, figure: Figure) -> Pathway:
        """The figure's pathway under these choices."""
        if self.tier != DEFAULT_TIER or self.drop_flagged:
            figure = apply_tier(figure, self.tier, self.drop_flagged)
        return make_pathway(figure, only_figure_organism=self.only_figure_organism,
                            interactions=self.interactions, chains=self.chains)
