"""``json``: the normalised figure and its resolved cross-references as JSON.

The reference output the other formats' tests compare against; validated
against ``schemas/pfocr-figure.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import IO, Any

from ..interactions import PROVENANCE, Interaction
from ..pathway import Pathway
from ..records import schema_errors
from ..suspects import Flag, gene_flags
from ..registry import Exporter, ExportError


def figure_document(pathway: Pathway) -> dict[str, Any]:
    """The JSON document for one figure."""
    figure = dataclasses.asdict(pathway.figure)
    figure.pop("source_path")
    suspects = gene_flags(pathway)
    return {
        "figure": figure,
        "genes": [_gene(g, suspects.get(g.entrez, ())) for g in pathway.genes],
        "singles": [g.entrez for g in pathway.singles],
        "families": [{"name": f.name, "fplx": f.fplx_id, "words": list(f.words),
                      "members": [g.entrez for g in f.members]} for f in pathway.families],
        "chemicals": [_term(t) for t in pathway.chemicals],
        "diseases": [_term(t) for t in pathway.diseases],
        "organism": pathway.organism,
        "taxon": pathway.taxon,
        "organism_source": pathway.organism_source,
        "organisms_named": [{"name": name, "taxon": taxon} for name, taxon in pathway.organisms_named],
        "interactions": [_interaction(i) for i in pathway.interactions],
        "report": {"resolved": pathway.report.resolved,
                   "renamed": [list(pair) for pair in pathway.report.renamed],
                   "unknown": list(pathway.report.unknown),
                   "organisms": [{"taxon": t, "name": n, "genes": c} for t, n, c in pathway.report.organisms],
                   "flagged": pathway.report.flagged, "dropped": pathway.report.dropped},
    }


def _interaction(interaction: Interaction) -> dict[str, Any]:
    return {"source": interaction.source_key, "target": interaction.target_key, "type": interaction.type,
            "directed": interaction.directed, "hedged": interaction.hedged, "provenance": PROVENANCE,
            "statements": [{"sentence": r.sentence, "text": r.sentence_text, "evidence": r.evidence,
                            "start": r.evidence_start, "end": r.evidence_end} for r in interaction.statements]}


def _gene(gene, suspect: tuple[Flag, ...]) -> dict[str, Any]:
    x = gene.xref
    return {"entrez": x.entrez, "symbol": x.symbol, "record_symbol": x.record_symbol, "status": x.status,
            "hgnc": x.hgnc_id, "name": x.name, "uniprot": list(x.uniprot), "ensembl": x.ensembl,
            "taxon": x.taxon, "organism": x.organism, "nomenclature": x.nomenclature,
            "nomenclature_id": x.nomenclature_id, "flag": gene.flag,
            "suspect": [{"code": f.code, "reason": f.reason} for f in suspect], "words": list(gene.words)}


def _term(term) -> dict[str, Any]:
    return {"label": term.label, "mesh": term.mesh_id, "mesh_name": term.mesh_name, "ontology": term.ontology,
            "ontology_id": term.ontology_id, "ontology_name": term.ontology_name, "words": list(term.words)}


class JsonExporter(Exporter):
    """One JSON file per figure: the normalised record plus its resolved cross-references."""

    name = "json"
    suffix = ".json"
    description = "normalised record + resolved cross-references as JSON (reference output)"

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        text = json.dumps(figure_document(pathway), ensure_ascii=False, indent=1)
        stream.write(text.encode("utf-8") + b"\n")

    def validate(self, data: bytes, label: str) -> None:
        errors = schema_errors(json.loads(data), "pfocr-figure.schema.json")
        if errors:
            field, reason = errors[0]
            raise ExportError(f"{label}: {field}: {reason}", [f"{f}: {r}" for f, r in errors])
