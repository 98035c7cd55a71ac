"""RDF text assembly shared by the BioPAX formats: terms, escaping, three syntaxes.

A document is a list of :class:`Block` s: one subject with its type and
properties. Blocks with a ``key`` are shared across figures (proteins,
references, xrefs) and are written once per corpus file; blocks without one
belong to a single figure. Text is assembled directly (no rdflib graph).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..identifiers import VOCABULARIES as NAMESPACES

RDF = NAMESPACES["rdf"]
XSD = NAMESPACES["xsd"]
OWL = NAMESPACES["owl"]
BP = NAMESPACES["bp"]

# Characters XML 1.0 forbids; also dropped from Turtle/N-Triples so every syntax says the same.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NT_ESCAPE = re.compile(r'["\\\n\r\t\x08\x0c]')
_NT_CHARS = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x08": "\\b", "\x0c": "\\f"}
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def clean(text: str) -> str:
    """Text with the characters no RDF syntax can carry removed."""
    return _ILLEGAL.sub("", text)


_NOT_NAME_CHAR = re.compile(r"[^A-Za-z0-9._-]")


def local(text: str) -> str:
    """A local name that is an XML name part: ASCII letters, digits, '.', '-' and '_' kept, any other
    character written ``_XX`` per UTF-8 byte (``10.1101/x`` -> ``10.1101_2Fx``). Paxtools writes an IRI
    under xml:base as ``rdf:ID="<local name>"``, which XML parsers refuse when it holds '%' or ':'."""
    return _NOT_NAME_CHAR.sub(lambda m: "".join(f"_{b:02X}" for b in m.group().encode("utf-8")), text)


def check_base(base: str) -> str:
    """The base IRI, or ValueError when it is not an absolute http(s) namespace."""
    if not re.match(r"^https?://[^/\s]+/", base) or _IRI_BAD.search(base) or base[-1] not in "/#":
        raise ValueError(f"base_uri must be an absolute http(s) IRI ending in '/' or '#': {base!r}")
    return base


@dataclass(frozen=True)
class Lit:
    """A literal: datatype is an xsd local name ("string", "int"); lang for language-tagged text."""

    text: str
    datatype: str | None = "string"
    lang: str | None = None


@dataclass
class Block:
    """One subject: its rdf:type (a CURIE, or None for extra statements) and (CURIE, object) pairs.

    Objects are IRIs (``str``) or :class:`Lit`.
    """

    subject: str
    type: str | None
    props: list[tuple[str, str | Lit]] = field(default_factory=list)
    key: str | None = None  # set on blocks shared across figures
    rendered: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # text per syntax, shared blocks

    def add(self, prop: str, value: str | Lit | None) -> None:
        if value is not None and (not isinstance(value, Lit) or value.text):
            self.props.append((prop, value))


def expand(curie: str) -> str:
    prefix, _, name = curie.partition(":")
    return NAMESPACES[prefix] + name


def _escape_nt(text: str) -> str:
    return _NT_ESCAPE.sub(lambda m: _NT_CHARS[m.group()], clean(text))


def _nt_lit(lit: Lit, short: bool) -> str:
    body = f'"{_escape_nt(lit.text)}"'
    if lit.lang:
        return f"{body}@{lit.lang}"
    if lit.datatype:
        return f"{body}^^xsd:{lit.datatype}" if short else f"{body}^^<{XSD}{lit.datatype}>"
    return body


def _cached(block: Block, syntax: str, render: Callable[[Block], str]) -> str:
    """The block's text; shared blocks are rendered once per process and syntax."""
    if block.key is None:
        return render(block)
    text = block.rendered.get(syntax)
    if text is None:
        text = block.rendered[syntax] = render(block)
    return text


def _ntriples_block(b: Block) -> str:
    s = f"<{b.subject}>"
    lines = [f"{s} <{RDF}type> <{expand(b.type)}> .\n"] if b.type else []
    for prop, value in b.props:
        obj = f"<{value}>" if isinstance(value, str) else _nt_lit(value, False)
        lines.append(f"{s} <{expand(prop)}> {obj} .\n")
    return "".join(lines)


def ntriples(blocks: list[Block]) -> list[tuple[str | None, str]]:
    """(key, text) per block, as N-Triples."""
    return [(b.key, _cached(b, "nt", _ntriples_block)) for b in blocks]


def turtle_prefixes() -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in NAMESPACES.items())


def _turtle_block(b: Block) -> str:
    parts = [f"a {b.type}"] if b.type else []
    for prop, value in b.props:
        parts.append(f"{prop} <{value}>" if isinstance(value, str) else f"{prop} {_nt_lit(value, True)}")
    return f"<{b.subject}> " + " ;\n    ".join(parts) + " .\n"


def turtle(blocks: list[Block]) -> list[tuple[str | None, str]]:
    """(key, text) per block, as Turtle statements (prefixes from :func:`turtle_prefixes`)."""
    return [(b.key, _cached(b, "ttl", _turtle_block)) for b in blocks]


def _xml_text(text: str) -> str:
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


def _xml_props(props: list[tuple[str, str | Lit]]) -> str:
    lines = []
    for prop, value in props:
        if isinstance(value, str):
            lines.append(f' <{prop} rdf:resource="{_xml_attr(value)}"/>\n')
        elif value.lang:
            lines.append(f' <{prop} xml:lang="{value.lang}">{_xml_text(value.text)}</{prop}>\n')
        elif value.datatype:
            lines.append(f' <{prop} rdf:datatype="{XSD}{value.datatype}">{_xml_text(value.text)}</{prop}>\n')
        else:
            lines.append(f" <{prop}>{_xml_text(value.text)}</{prop}>\n")
    return "".join(lines)


def _xml_open(b: Block) -> str:
    return f'<{b.type} rdf:about="{_xml_attr(b.subject)}">\n' + _xml_props(b.props)


def rdfxml(blocks: list[Block], base: str, ontology: str) -> str:
    """The blocks as RDF/XML with typed node elements (the form Paxtools and pybiopax read).

    Statements of untyped blocks go inside the typed element of the same subject.
    """
    extra: dict[str, list[tuple[str, str | Lit]]] = {}
    for b in blocks:
        if b.type is None:
            extra.setdefault(b.subject, []).extend(b.props)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:rdfs="{NAMESPACES["rdfs"]}" xmlns:xsd="{XSD}" '
        f'xmlns:owl="{OWL}" xmlns:bp="{BP}" xml:base="{_xml_attr(base)}">\n',
        f'<owl:Ontology rdf:about="{_xml_attr(base)}">\n <owl:imports rdf:resource="{ontology}"/>\n</owl:Ontology>\n',
    ]
    for b in blocks:
        if b.type is not None:
            lines.append(_cached(b, "xml", _xml_open))
            if b.subject in extra:
                lines.append(_xml_props(extra[b.subject]))
            lines.append(f"</{b.type}>\n")
    lines.append("</rdf:RDF>\n")
    return "".join(lines)
