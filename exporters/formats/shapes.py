"""SHACL Core validation of one RDF document against the shapes we ship (``schemas/*.ttl``).

pySHACL takes 11 minutes on the 2020 corpus (pyshacl-turbo 2); ``pfocr-export check`` 13 s. This
module evaluates the part of SHACL Core our shapes use (targets: class, node, subjects-of,
objects-of; paths: predicate, sequence, inverse, alternative, zero/one-or-more, zero-or-one;
constraints: class, datatype, nodeKind, min/maxCount, min/maxLength, pattern, in, hasValue, disjoint,
node, property, not, and, or, xone, qualified value shapes) with the spec's semantics, on the whole
document in memory. A shape using anything else is refused when it is loaded, so a shapes edit
cannot be ignored silently. ``tests/test_biopax.py`` compares its results with pySHACL's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, Union

import pyoxigraph as ox

from ..resources import schema_path

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"^[+-]?\d+$")
_INT_TYPES = {XSD + t: r for t, r in (("int", (-2**31, 2**31 - 1)), ("integer", None), ("long", (-2**63, 2**63 - 1)))}


class Lit(NamedTuple):
    """A literal term; plain literals carry xsd:string, as in RDF 1.1."""

    value: str
    datatype: str
    lang: str | None = None


Term = Union[str, Lit]  # an IRI, a blank node ("_:" + id) or a literal


def _term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    return Lit(t.value, t.datatype.value, t.language)


class Graph:
    """Triples indexed by subject and by object, for path evaluation."""

    def __init__(self, triples: Iterable[tuple[Term, str, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inv: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self.out[s][p].append(o)
            self.inv[o][p].append(s)

    @classmethod
    def parse(cls, data: bytes, fmt: ox.RdfFormat) -> "Graph":
        """Raises SyntaxError (Oxigraph's) when the document does not parse."""
        return cls((_term(t.subject), t.predicate.value, _term(t.object)) for t in ox.parse(data, format=fmt))

    def objects(self, s: Term, p: str) -> list[Term]:
        props = self.out.get(s)
        return props.get(p, []) if props else []

    def subjects(self, p: str, o: Term) -> list[Term]:
        props = self.inv.get(o)
        return props.get(p, []) if props else []

    def subjects_of(self, p: str) -> list[Term]:
        """Every subject of predicate p (a scan of the graph)."""
        return list(dict.fromkeys(s for props in self.inv.values() for s in props.get(p, ())))

    def objects_of(self, p: str) -> list[Term]:
        """Every object of predicate p (a scan of the graph)."""
        return list(dict.fromkeys(o for props in self.out.values() for o in props.get(p, ())))

    def one(self, s: Term, p: str) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def items(self, head: Term) -> list[Term]:
        """The members of an RDF list."""
        found = []
        while head != RDF_NIL:
            found.append(self.one(head, RDF_FIRST))
            head = self.one(head, RDF_REST)
            if head is None:
                raise ValueError("a SHACL list without rdf:nil")
        return found


Path = Callable[[Graph, Term], list[Term]]


def _compile_path(g: Graph, node: Term) -> tuple[Path, str]:
    """A function giving a focus node's value nodes, and the path as text."""
    if isinstance(node, str) and not node.startswith("_:"):
        return (lambda data, focus: data.objects(focus, node)), node
    if g.one(node, RDF_FIRST) is not None:
        steps = [_compile_path(g, n) for n in g.items(node)]
        return _sequence(steps)
    kinds = {p: g.one(node, SH + p) for p in ("inversePath", "alternativePath", "zeroOrMorePath",
                                              "oneOrMorePath", "zeroOrOnePath")}
    kinds = {k: v for k, v in kinds.items() if v is not None}
    if len(kinds) != 1:
        raise ValueError(f"unsupported SHACL path {node}")
    (kind, inner), = kinds.items()
    if kind == "alternativePath":
        return _alternatives([_compile_path(g, n) for n in g.items(inner)])
    if kind == "inversePath":
        return _compile_inverse(g, inner)
    step, text = _compile_path(g, inner)

    def closure(data: Graph, focus: Term) -> list[Term]:
        seen: dict[Term, None] = {} if kind == "oneOrMorePath" else {focus: None}
        frontier = [focus]
        while frontier:
            frontier = [v for n in frontier for v in step(data, n) if v not in seen]
            for v in frontier:
                seen[v] = None
            if kind == "zeroOrOnePath":
                break
        return list(seen)
    return closure, text + {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}[kind]


def _sequence(steps: list[tuple[Path, str]]) -> tuple[Path, str]:
    """The path that follows each step in turn."""
    def sequence(data: Graph, focus: Term) -> list[Term]:
        nodes = [focus]
        for step, _ in steps:
            nodes = list(dict.fromkeys(v for n in nodes for v in step(data, n)))
        return nodes
    return sequence, "(" + " / ".join(text for _, text in steps) + ")"


def _alternatives(options: list[tuple[Path, str]]) -> tuple[Path, str]:
    """The path that follows any of the options."""
    return ((lambda data, focus: list(dict.fromkeys(v for step, _ in options for v in step(data, focus)))),
            "(" + " | ".join(text for _, text in options) + ")")


def _compile_inverse(g: Graph, node: Term) -> tuple[Path, str]:
    """The inverse of a path of predicates, sequences, alternatives and inverses."""
    if isinstance(node, str) and not node.startswith("_:"):
        return (lambda data, focus: data.subjects(node, focus)), f"^{node}"
    if g.one(node, RDF_FIRST) is not None:  # (a / b)^ = b^ / a^
        steps = [_compile_inverse(g, n) for n in reversed(g.items(node))]
        return _sequence(steps)
    if g.one(node, SH + "alternativePath") is not None:
        return _alternatives([_compile_inverse(g, n) for n in g.items(g.one(node, SH + "alternativePath"))])
    if g.one(node, SH + "inversePath") is not None:
        return _compile_path(g, g.one(node, SH + "inversePath"))
    raise ValueError(f"unsupported inverse path {node}")


_CONSTRAINTS = {"class", "datatype", "nodeKind", "minCount", "maxCount", "minLength", "maxLength", "pattern",
                "in", "hasValue", "disjoint", "node", "property", "not", "and", "or", "xone", "qualifiedValueShape"}
_PARAMETERS = _CONSTRAINTS | {"path", "severity", "message", "flags", "qualifiedMinCount", "qualifiedMaxCount",
                              "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "name",
                              "description"}


@dataclass
class Shape:
    """A compiled node or property shape."""

    node: Term
    severity: str = SH + "Violation"
    message: str = ""
    path: Path | None = None
    path_text: str = ""
    constraints: list[tuple[str, object]] = field(default_factory=list)
    targets: list[tuple[str, Term]] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    """One validation result, as a SHACL report states it."""

    focus: Term
    path: str  # "" for a node shape's own constraint
    component: str  # e.g. "MinCount"
    severity: str  # "Violation", "Warning" or "Info"
    shape: str  # the targeted shape the result belongs to (its IRI)
    message: str
    value: Term | None = None


class Shapes:
    """The shapes of one shapes graph, compiled."""

    def __init__(self, g: Graph) -> None:
        self._g = g
        self._compiled: dict[Term, Shape] = {}
        target_props = [SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")]
        roots = dict.fromkeys(s for p in target_props for s in g.subjects_of(p))
        self.targeted = [self.shape(s) for s in roots]

    def shape(self, node: Term) -> Shape:
        if node in self._compiled:
            return self._compiled[node]
        g = self._g
        shape = self._compiled[node] = Shape(node)
        props = g.out.get(node, {})
        for p, values in props.items():
            if not p.startswith(SH):
                continue
            name = p[len(SH):]
            if name not in _PARAMETERS:
                raise ValueError(f"shape {node}: sh:{name} is not supported by this validator")
            if name in _CONSTRAINTS:
                for v in values:
                    shape.constraints.append((name, self._parameter(node, name, v)))
        shape.severity = g.one(node, SH + "severity") or shape.severity
        message = g.one(node, SH + "message")
        shape.message = message.value if isinstance(message, Lit) else ""
        path = g.one(node, SH + "path")
        if path is not None:
            shape.path, shape.path_text = _compile_path(g, path)
        for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            shape.targets += [(t, v) for v in g.objects(node, SH + t)]
        return shape

    def _parameter(self, node: Term, name: str, value: Term) -> object:
        g = self._g
        if name == "qualifiedValueShape":
            low, high = g.one(node, SH + "qualifiedMinCount"), g.one(node, SH + "qualifiedMaxCount")
            return (self.shape(value), int(low.value) if low else None, int(high.value) if high else None)
        if name in ("node", "property", "not"):
            return self.shape(value)
        if name in ("and", "or", "xone"):
            return [self.shape(v) for v in g.items(value)]
        if name == "in":
            return frozenset(g.items(value))
        if name == "pattern":
            flags = g.one(node, SH + "flags")
            letters = flags.value if isinstance(flags, Lit) else ""
            mode = 0
            for letter, bit in (("i", re.I), ("s", re.S), ("m", re.M), ("x", re.X)):
                if letter in letters:
                    mode |= bit
            return re.compile(value.value, mode)
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return int(value.value)
        return value


class Validator:
    """Validates data graphs against compiled shapes."""

    def __init__(self, shapes: Shapes) -> None:
        self.shapes = shapes

    def validate(self, data: Graph) -> list[Result]:
        self._data = data
        self._memo: dict[tuple[int, Term], bool] = {}
        self._classes: dict[str, set[str]] = {}
        results: list[Result] = []
        for shape in self.shapes.targeted:
            for focus in self._focus_nodes(shape):
                results += self._results(shape, focus, shape)
        return results

    # --- targets and classes ----------------------------------------------------------

    def _subclasses(self, cls: str) -> set[str]:
        """cls and its subclasses stated in the data graph (rdfs:subClassOf*)."""
        found = self._classes.get(cls)
        if found is None:
            found, frontier = {cls}, [cls]
            while frontier:
                frontier = [s for c in frontier for s in self._data.subjects(SUBCLASS, c) if s not in found]
                found.update(frontier)
            self._classes[cls] = found
        return found

    def _focus_nodes(self, shape: Shape) -> list[Term]:
        d = self._data
        nodes: dict[Term, None] = {}
        for kind, value in shape.targets:
            if kind == "targetNode":
                nodes[value] = None
            elif kind == "targetClass":
                for cls in self._subclasses(value):
                    nodes.update(dict.fromkeys(d.subjects(RDF_TYPE, cls)))
            elif kind == "targetSubjectsOf":
                nodes.update(dict.fromkeys(d.subjects_of(value)))
            else:  # targetObjectsOf
                nodes.update(dict.fromkeys(d.objects_of(value)))
        return list(nodes)

    def _is_instance(self, node: Term, cls: str) -> bool:
        types = self._data.objects(node, RDF_TYPE)
        return any(t in self._subclasses(cls) for t in types) if types else False

    # --- evaluation ---------------------------------------------------------------------

    def conforms(self, node: Term, shape: Shape) -> bool:
        key = (id(shape), node)
        found = self._memo.get(key)
        if found is None:
            self._memo[key] = True  # recursion through shapes counts as conforming
            found = self._memo[key] = not self._failures(shape, node, first_only=True)
        return found

    def _results(self, shape: Shape, focus: Term, root: Shape) -> list[Result]:
        found = []
        for component, value, nested in self._failures(shape, focus, first_only=False):
            if nested is not None:  # a property shape's own results
                found += self._results(nested, focus, root)
                continue
            found.append(Result(focus, shape.path_text, component, shape.severity[len(SH):], str(root.node),
                                shape.message, value))
        return found

    def _failures(self, shape: Shape, focus: Term, first_only: bool) -> list[tuple[str, Term | None, Shape | None]]:
        """(component, value node, None) per failed constraint, or (.., .., property shape) for a
        nested property shape with results; stops at the first when first_only."""
        values = shape.path(self._data, focus) if shape.path is not None else [focus]
        failures: list[tuple[str, Term | None, Shape | None]] = []
        for name, param in shape.constraints:
            if name == "property":
                if self._failures(param, focus, first_only=True):
                    failures.append(("Property", None, param))
            elif name == "minCount":
                if len(values) < param:
                    failures.append(("MinCount", None, None))
            elif name == "maxCount":
                if len(values) > param:
                    failures.append(("MaxCount", None, None))
            elif name == "hasValue":
                if param not in values:
                    failures.append(("HasValue", None, None))
            elif name == "disjoint":  # a value that is also a value of the focus node's predicate param
                other = set(self._data.objects(focus, param))
                failures += [("Disjoint", v, None) for v in values if v in other][:1 if first_only else None]
            elif name == "qualifiedValueShape":
                qualified, low, high = param
                count = sum(1 for v in values if self.conforms(v, qualified))
                if low is not None and count < low:
                    failures.append(("QualifiedMinCount", None, None))
                if high is not None and count > high:
                    failures.append(("QualifiedMaxCount", None, None))
            else:
                test = getattr(self, f"_{name}")
                for v in values:
                    if not test(v, param):
                        failures.append((name[0].upper() + name[1:], v, None))
                        if first_only:
                            break
            if failures and first_only:
                break
        return failures

    def _class(self, v: Term, cls: str) -> bool:
        return not isinstance(v, Lit) and self._is_instance(v, cls)

    def _datatype(self, v: Term, dt: str) -> bool:
        if not isinstance(v, Lit) or v.datatype != dt:
            return False
        if dt in _INT_TYPES:  # ill-formed lexical forms fail too
            if not _INTEGER.match(v.value):
                return False
            bounds = _INT_TYPES[dt]
            return bounds is None or bounds[0] <= int(v.value) <= bounds[1]
        return True

    def _nodeKind(self, v: Term, kind: str) -> bool:
        actual = "Literal" if isinstance(v, Lit) else "BlankNode" if v.startswith("_:") else "IRI"
        return actual in kind[len(SH):].split("Or")

    def _pattern(self, v: Term, regex: re.Pattern[str]) -> bool:
        if isinstance(v, str) and v.startswith("_:"):
            return False
        return regex.search(v.value if isinstance(v, Lit) else v) is not None

    def _minLength(self, v: Term, n: int) -> bool:
        return not (isinstance(v, str) and v.startswith("_:")) and len(v.value if isinstance(v, Lit) else v) >= n

    def _maxLength(self, v: Term, n: int) -> bool:
        return not (isinstance(v, str) and v.startswith("_:")) and len(v.value if isinstance(v, Lit) else v) <= n

    def _in(self, v: Term, allowed: frozenset) -> bool:
        return v in allowed

    def _node(self, v: Term, shape: Shape) -> bool:
        return self.conforms(v, shape)

    def _not(self, v: Term, shape: Shape) -> bool:
        return not self.conforms(v, shape)

    def _and(self, v: Term, shapes: list[Shape]) -> bool:
        return all(self.conforms(v, s) for s in shapes)

    def _or(self, v: Term, shapes: list[Shape]) -> bool:
        return any(self.conforms(v, s) for s in shapes)

    def _xone(self, v: Term, shapes: list[Shape]) -> bool:
        return sum(1 for s in shapes if self.conforms(v, s)) == 1


@lru_cache(maxsize=4)
def shipped(name: str = "biopax-shapes.ttl") -> Validator:
    """A validator for one of the shapes files in schemas/."""
    g = Graph.parse(schema_path(name).read_bytes(), ox.RdfFormat.TURTLE)
    return Validator(Shapes(g))

