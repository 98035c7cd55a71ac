"""A third-party format: the figure's current gene symbols, one per line."""

from exporters.registry import Exporter, ExportError


class GeneListExporter(Exporter):
    name = "genelist"
    suffix = ".txt"
    description = "current HGNC symbols of the figure's genes, one per line"

    def serialize(self, pathway, stream):
        for gene in pathway.genes:
            stream.write(f"{gene.symbol}\t{gene.entrez}\n".encode())

    def validate(self, data, label):
        if not data.strip():
            raise ExportError(f"{label}: empty gene list")
