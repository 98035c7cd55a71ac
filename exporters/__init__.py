"""pfocr-exporters: turn PFOCR pathway-figure records into GPML, BioPAX and CX.

The core (records, identifiers, xrefs, pathway, registry, CLI) never imports a
format module by name; formats are found through the ``pfocr_exporters``
entry-point group.
"""

__version__ = "0.1.0"
