"""Draw CX1 networks the way NDEx's viewer and IQuery do: cytoscape-cx2js + cytoscape.js in headless Chromium.

    python examples/cx/render.py          # rewrites examples/cx/<figid>.png from examples/cx/<figid>.cx

Needs ``bash .ci/install-node-tools`` (cytoscape-cx2js and cytoscape from npm, into .node-tools/) and
Debian's ``chromium``. ``tests/test_cx_render.py`` uses :func:`drawn` to check where labels land and how
edges are drawn.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / ".node-tools" / "node_modules"
SCRIPTS = (MODULES / "cytoscape" / "dist" / "cytoscape.min.js", MODULES / "cytoscape-cx2js" / "build" / "bundle.js")
PADDING = 20  # px around the network in a picture
SCALE = 2  # picture pixels per CSS pixel, sharp on high-density screens
TIMEOUT = 120  # seconds for one Chromium run

# What NDEx's viewer does with a CX1 network (cytoscape-cx2js's own example page does the same):
# niceCX -> cytoscape.js elements and style, the preset layout from cartesianLayout, the background colour.
_DRAW = """
function draw(cx, container) {
  const utils = new cytoscapeCx2js.CyNetworkUtils();
  const niceCX = utils.rawCXtoNiceCX(cx);
  const convert = new cytoscapeCx2js.CxToJs(utils);
  const names = {};
  container.style.backgroundColor = convert.cyBackgroundColorFromNiceCX(niceCX);
  return cytoscape({container: container, elements: convert.cyElementsFromNiceCX(niceCX, names),
                    style: convert.cyStyleFromNiceCX(niceCX, names), layout: convert.getDefaultLayout()});
}
"""

# Report every node's box, its label's box and border, and every edge's ends and style (model coordinates)
# once cytoscape.js has drawn them.
_MEASURE = """
const networks = JSON.parse(document.getElementById('cx').textContent);
const report = [];
for (const cx of networks) {
  const container = document.createElement('div');
  container.style.cssText = 'width:800px;height:600px';
  document.body.appendChild(container);
  report.push(draw(cx, container));
}
setTimeout(() => {
  const box = b => ({x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2});
  const out = report.map(cy => ({
    nodes: cy.nodes().map(n => ({
      id: Number(n.id()), label: n.style('label'), border: n.style('border-color'),
      borderStyle: n.style('border-style'),
      node: box(n.boundingBox({includeLabels: false, includeOverlays: false})),
      text: box(n.boundingBox({includeNodes: false, includeLabels: true, includeOverlays: false}))})),
    edges: cy.edges().map(e => ({
      id: Number(e.id().slice(1)), source: Number(e.source().id()), target: Number(e.target().id()),
      interaction: e.data('interaction'), visible: e.visible(), arrow: e.style('target-arrow-shape'),
      sourceArrow: e.style('source-arrow-shape'), line: e.style('line-style'),
      opacity: Number(e.style('opacity')), width: parseFloat(e.style('width')),
      start: e.sourceEndpoint(), end: e.targetEndpoint(),
      box: box(e.boundingBox({includeLabels: false, includeOverlays: false}))}))}));
  document.getElementById('out').textContent = JSON.stringify(out);
}, 200);
"""

# One network at zoom 1, its bounding box moved to the padded top-left corner.
_PICTURE = """
const cx = JSON.parse(document.getElementById('cx').textContent)[0];
const cy = draw(cx, document.getElementById('network'));
const bb = cy.elements().boundingBox();
cy.zoom(1);
cy.pan({x: PADDING - bb.x1, y: PADDING - bb.y1});
"""


def missing() -> str | None:
    """Why a rendering cannot run here (None when it can)."""
    if chromium() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    absent = [p for p in SCRIPTS if not p.is_file()]
    if absent:
        return f"{absent[0].relative_to(ROOT)} is missing: run bash .ci/install-node-tools"
    return None


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _page(networks: list[Any], script: str, body: str) -> str:
    scripts = "".join(f'<script src="{p.as_uri()}"></script>' for p in SCRIPTS)
    data = json.dumps(networks).replace("</", "<\\/")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{{margin:0}}</style>{scripts}'
            f'</head><body>{body}<pre id="out"></pre><script id="cx" type="application/json">{data}</script>'
            f"<script>{_DRAW}{script}</script></body></html>")


def _run(page: str, *options: str, scale: int = 1) -> str:
    """Chromium's output for the page: the DOM after its scripts ran, or nothing (with --screenshot)."""
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "page.html"
        html.write_text(page, encoding="utf-8")
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--force-device-scale-factor={scale}", f"--user-data-dir={folder}/profile", "--virtual-time-budget=5000",
             *options, html.as_uri()],
            capture_output=True, text=True, timeout=TIMEOUT, cwd=folder)
    if result.returncode != 0:
        raise RuntimeError(f"chromium failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def drawn(networks: list[Any]) -> list[dict[str, list[dict[str, Any]]]]:
    """For each CX1 document, what cytoscape.js drew: ``nodes`` ({id, label, border, borderStyle, node: box,
    text: box}) and ``edges`` ({id, source, target, interaction, visible, arrow, sourceArrow, line, opacity,
    width, start, end: points, box}); boxes are x1/y1/x2/y2."""
    dom = _run(_page(networks, _MEASURE, ""), "--dump-dom")
    start, end = dom.find('<pre id="out">'), dom.find("</pre>")
    text = dom[start + len('<pre id="out">'):end]
    if not text:
        raise RuntimeError("the page reported nothing: cytoscape-cx2js or cytoscape.js failed to draw")
    return json.loads(text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def picture(cx: list[Any], png: Path) -> None:
    """A PNG of one CX1 network at its own size, as NDEx's viewer draws it."""
    network = drawn([cx])[0]
    boxes = [b for n in network["nodes"] for b in (n["node"], n["text"])] + [e["box"] for e in network["edges"]]
    width = max(b["x2"] for b in boxes) - min(b["x1"] for b in boxes) + 2 * PADDING
    height = max(b["y2"] for b in boxes) - min(b["y1"] for b in boxes) + 2 * PADDING
    size = f"width:{round(width)}px;height:{round(height)}px"
    page = _page([cx], _PICTURE.replace("PADDING", str(PADDING)), f'<div id="network" style="{size}"></div>')
    _run(page, f"--window-size={round(width)},{round(height)}", f"--screenshot={png}", scale=SCALE)


def main() -> int:
    reason = missing()
    if reason:
        print(f"render.py: {reason}", file=sys.stderr)
        return 2
    folder = Path(__file__).resolve().parent
    for path in sorted(folder.glob("*.cx")):
        picture(json.loads(path.read_bytes()), path.with_suffix(".png"))
        print(f"wrote {path.with_suffix('.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
