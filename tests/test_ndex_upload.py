"""upload-ndex against a local NDEx stand-in (tests/ndex_server.py), through the real ndex2 client."""

from __future__ import annotations

import argparse
import json

import pytest

pytest.importorskip("ndex2")

from exporters import ndex_upload  # noqa: E402
from exporters.formats.cx import Cx1Exporter, Cx2Exporter  # noqa: E402
from exporters.writing import write_atomic  # noqa: E402

from ndex_server import NdexServer  # noqa: E402

USER, PASSWORD = "pfocr-bot", "s3cret-Pa55word"
OTHER, OTHER_PASSWORD = "someone-else", "0ther-Pa55word"


@pytest.fixture
def server():
    with NdexServer({USER: PASSWORD, OTHER: OTHER_PASSWORD}) as srv:
        yield srv


@pytest.fixture(autouse=True)
def quick(monkeypatch, tmp_path):
    """No real waiting, no real ~/.netrc, credentials from the environment."""
    monkeypatch.setattr(ndex_upload, "RETRY_DELAYS", (0.01, 0.01, 0.01))
    monkeypatch.setattr(ndex_upload, "POLL_DELAYS", (0.02,) * 50)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NDEX_USERNAME", USER)
    monkeypatch.setenv("NDEX_PASSWORD", PASSWORD)


@pytest.fixture
def outdir(tmp_path, seed_pathways):
    out = tmp_path / "out"
    for exporter, sub in ((Cx1Exporter(), "cx"), (Cx2Exporter(), "cx2")):
        for pathway in seed_pathways:
            write_atomic(out / sub / f"{pathway.figure.figid}{exporter.suffix}", exporter.to_bytes(pathway))
    return out


def upload(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    ndex_upload.register(parser.add_subparsers())
    args = parser.parse_args(["upload-ndex", *argv])
    return args.handler(args)


def aspect(doc, name):
    return [e for fragment in doc for e in fragment.get(name, [])]


def manifest(folder):
    return json.loads((folder / ndex_upload.MANIFEST_NAME).read_text())["networks"]


def test_seeds_upload_and_load_without_error_or_warning(server, outdir, seed_pathways, capsys):
    assert upload(str(outdir / "cx"), "--server", server.url, "--visibility", "PUBLIC") == 0
    assert upload(str(outdir / "cx2"), "--server", server.url) == 0
    captured = capsys.readouterr()
    assert captured.out.count(": created ") == 2 * len(seed_pathways)
    assert "NDEx warns" not in captured.err
    assert len(server.networks) == 2 * len(seed_pathways)
    for network in server.networks.values():
        summary = network["summary"]
        assert summary["completed"] and summary["isValid"] and "errorMessage" not in summary
        assert summary["warnings"] == [] and summary["nodeCount"] > 0 and summary["hasLayout"]
    posted = [p for m, p in server.requests if m == "POST"]
    assert sum(p == "/v2/network?visibility=PUBLIC" for p in posted) == len(seed_pathways)
    assert sum(p == "/v3/networks" for p in posted) == len(seed_pathways)
    assert json.loads((outdir / "cx" / ndex_upload.MANIFEST_NAME).read_text())["server"] == server.url
    assert sorted(manifest(outdir / "cx")) == sorted(p.figure.figid for p in seed_pathways)


def test_ndex_converts_our_cx1_to_the_style_of_our_cx2(server, outdir, seed_pathways):
    """NDEx derives CX2 from an uploaded CX1 (what Cytoscape Web and the v3 API serve): every style mapping
    survives the conversion and the family names are placed as in our own .cx2."""
    assert upload(str(outdir / "cx"), "--server", server.url) == 0
    for figid, uuid in manifest(outdir / "cx").items():
        converted = server.networks[uuid]["cx2"]
        ours = json.loads((outdir / "cx2" / f"{figid}.cx2").read_bytes())
        style = aspect(converted, "visualProperties")[0]
        # NDEx carries CX1's NODE_TOOLTIP over (cx1CarryOverVPNames); CX2 styles have no portable tooltip
        assert set(style["nodeMapping"]) == set(aspect(ours, "visualProperties")[0]["nodeMapping"]) | {"NODE_TOOLTIP"}
        positions = {b["id"]: b["v"]["NODE_LABEL_POSITION"] for b in aspect(converted, "nodeBypasses")
                     if "NODE_LABEL_POSITION" in b["v"]}
        assert positions == {b["id"]: b["v"]["NODE_LABEL_POSITION"] for b in aspect(ours, "nodeBypasses")
                             if "NODE_LABEL_POSITION" in b["v"]}
        assert [n["v"]["name"] for n in aspect(converted, "nodes")] == [n["v"]["name"] for n in aspect(ours, "nodes")]


@pytest.mark.parametrize("value, dropped", [("N,N,c,0.00,3.00", True), ("N,,N,,c,,0.00,,3.00", False)],
                         ids=["unescaped", "escaped"])
def test_a_mapping_ndex_cannot_parse_is_dropped_and_reported(server, outdir, value, dropped, capsys):
    """Issue 13 item 1 as NDEx shows it: an unescaped comma in a DISCRETE mapping value makes NDEx's
    CX1 -> CX2 conversion drop the mapping and warn on the network; upload-ndex passes the warning on."""
    path = sorted((outdir / "cx").glob("*.cx"))[0]
    doc = json.loads(path.read_bytes())
    defaults = next(e for e in aspect(doc, "cyVisualProperties") if e["properties_of"] == "nodes:default")
    defaults["mappings"]["NODE_LABEL_POSITION"] = {
        "type": "DISCRETE", "definition": f"COL=type,T=string,K=0=proteinfamily,V=0={value}"}
    path.write_text(json.dumps(doc))
    assert upload(str(path), "--server", server.url) == 0
    err = capsys.readouterr().err
    (network,) = server.networks.values()
    mappings = aspect(network["cx2"], "visualProperties")[0]["nodeMapping"]
    if dropped:
        assert f"{path.stem}: NDEx warns: Corrupted data found in DISCRETE mapping on NODE_LABEL_POSITION" in err
        assert "Failed to parse mapping segment 'N'" in err and "NODE_LABEL_POSITION" not in mappings
    else:
        assert "NDEx warns" not in err
        assert mappings["NODE_LABEL_POSITION"]["definition"]["map"][0]["vp"]["VERTICAL_ANCHOR"] == "top"


@pytest.mark.parametrize("status", [204, 201], ids=["void-204", "documented-201"])
def test_rerun_updates_instead_of_duplicating(server, outdir, seed_pathways, status, capsys):
    server.update_status = status
    networkset = server.add_networkset(USER)
    assert upload(str(outdir / "cx"), "--server", server.url) == 0
    first = manifest(outdir / "cx")
    assert upload(str(outdir / "cx"), "--server", server.url, "--networkset", networkset) == 0
    assert capsys.readouterr().out.count(": updated ") == len(seed_pathways)
    assert len(server.networks) == len(seed_pathways)
    assert manifest(outdir / "cx") == first
    assert sum(m == "PUT" and p.startswith("/v2/network/") for m, p in server.requests) == len(seed_pathways)
    assert sorted(server.networksets[networkset]["members"]) == sorted(first.values())


def test_server_rejection_is_reported_and_batch_goes_on(server, outdir, capsys):
    good = sorted((outdir / "cx").glob("*.cx"))[0]
    broken = json.loads(good.read_bytes())
    nodes = next(f["nodes"] for f in broken if "nodes" in f)
    nodes.append(dict(nodes[0]))  # a second node with the same @id
    bad = outdir / "cx" / "AAA_broken.cx"
    bad.write_text(json.dumps(broken))
    assert upload(str(bad), str(good), "--server", server.url) == 1
    captured = capsys.readouterr()
    assert "AAA_broken: FAILED: NDEx rejected the network" in captured.err
    assert f"Duplicate Id {nodes[0]['@id']} found in aspect nodes" in captured.err
    assert f"{good.stem}: created" in captured.out
    assert "1 uploaded, 1 failed" in captured.out
    rejected = [n for n in server.networks.values() if n["summary"].get("errorMessage")]
    assert len(rejected) == 1 and rejected[0]["summary"]["visibility"] == "PRIVATE"
    # the rejected network is in the manifest, so fixing the file and re-running updates it
    assert "AAA_broken" in manifest(outdir / "cx")


@pytest.mark.parametrize("username, password", [(USER, "wrong-" + PASSWORD), ("nobody", PASSWORD)],
                         ids=["wrong-password", "unknown-user"])
def test_refused_login_stops_the_batch_without_printing_the_password(server, outdir, monkeypatch, capsys,
                                                                    username, password):
    monkeypatch.setenv("NDEX_USERNAME", username)
    monkeypatch.setenv("NDEX_PASSWORD", password)
    assert upload(str(outdir / "cx"), "--server", server.url) == 2
    captured = capsys.readouterr()
    assert "NDEx refused the credentials (HTTP 401" in captured.err
    assert password not in captured.out + captured.err
    assert not server.networks
    assert sum(m == "POST" for m, _ in server.requests) == 1  # stopped at the first refusal


def test_a_network_of_another_account_fails_alone(server, outdir, seed_pathways, monkeypatch, capsys):
    """NDEx answers 401 for a network the account may not write, too: that file fails, the rest upload."""
    assert upload(str(outdir / "cx"), "--server", server.url) == 0
    theirs = sorted(manifest(outdir / "cx"))[0]
    server.networks[manifest(outdir / "cx")[theirs]]["owner"] = OTHER
    capsys.readouterr()
    assert upload(str(outdir / "cx"), "--server", server.url) == 1
    captured = capsys.readouterr()
    assert f"{theirs}: FAILED: HTTP 401: You do not have write permissions for this network." in captured.err
    assert "belongs to another account" in captured.err and "refused the credentials" not in captured.err
    assert captured.out.count(": updated ") == len(seed_pathways) - 1


def test_a_network_set_of_another_account_is_reported(server, outdir, capsys):
    networkset = server.add_networkset(OTHER)
    assert upload(str(outdir / "cx"), "--server", server.url, "--networkset", networkset) == 1
    captured = capsys.readouterr()
    assert f"could not add networks to set {networkset}: HTTP 401: Signed in user is not the owner" in captured.err
    assert "refused the credentials" not in captured.err and not server.networksets[networkset]["members"]


def test_transient_503_is_retried(server, outdir):
    server.fail_next["POST /v2/network"] = [503, 503]
    server.fail_next["GET /v2/network/"] = [502]
    one = sorted((outdir / "cx").glob("*.cx"))[:1]
    assert upload(str(one[0]), "--server", server.url) == 0
    assert sum(m == "POST" for m, _ in server.requests) == 3
    assert len(server.networks) == 1


def test_persistent_5xx_gives_up_and_reports(server, outdir, capsys):
    server.fail_next["POST /v3/networks"] = [500] * 10
    one = sorted((outdir / "cx2").glob("*.cx2"))[:1]
    assert upload(str(one[0]), "--server", server.url) == 1
    assert "FAILED: HTTP 500 after 4 attempts: Server is busy" in capsys.readouterr().err


def test_not_implemented_is_not_retried(server, outdir, capsys):
    """Newer NDEx servers answer 501 for network sets (replaced by folders): one try, then a clear report."""
    networkset = server.add_networkset(USER)
    server.fail_next["POST /v2/networkset/"] = [501] * 10
    one = sorted((outdir / "cx").glob("*.cx"))[:1]
    assert upload(str(one[0]), "--server", server.url, "--networkset", networkset) == 1
    assert f"could not add networks to set {networkset}: HTTP 501" in capsys.readouterr().err
    assert sum(p.startswith("/v2/networkset/") for _, p in server.requests) == 1


def test_missing_credentials_and_netrc(server, outdir, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("NDEX_USERNAME")
    monkeypatch.delenv("NDEX_PASSWORD")
    assert upload(str(outdir / "cx"), "--server", server.url) == 2
    assert "no NDEx credentials for 127.0.0.1" in capsys.readouterr().err
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    (home / ".netrc").chmod(0o600)
    assert upload(str(outdir / "cx"), "--server", server.url) == 0
    assert PASSWORD not in "".join(capsys.readouterr())
