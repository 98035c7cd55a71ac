"""upload-ndex against a local NDEx stand-in, through the real ndex2 client."""

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


@pytest.fixture
def server():
    with NdexServer({USER: PASSWORD}) as srv:
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


def test_seeds_upload_and_load_without_error(server, outdir, seed_pathways, capsys):
    assert upload(str(outdir / "cx"), "--server", server.url, "--visibility", "PUBLIC") == 0
    assert upload(str(outdir / "cx2"), "--server", server.url) == 0
    out = capsys.readouterr().out
    assert out.count(": created ") == 2 * len(seed_pathways)
    assert len(server.networks) == 2 * len(seed_pathways)
    for network in server.networks.values():
        summary = network["summary"]
        assert summary["completed"] and summary["isValid"] and "errorMessage" not in summary
        assert summary["nodeCount"] > 0 and summary["hasLayout"]
    posted = [p for m, p in server.requests if m == "POST"]
    assert sum(p == "/v2/network?visibility=PUBLIC" for p in posted) == len(seed_pathways)
    assert sum(p == "/v3/networks" for p in posted) == len(seed_pathways)
    manifest = json.loads((outdir / "cx" / ndex_upload.MANIFEST_NAME).read_text())
    assert manifest["server"] == server.url
    assert sorted(manifest["networks"]) == sorted(p.figure.figid for p in seed_pathways)


def test_rerun_updates_instead_of_duplicating(server, outdir, seed_pathways, capsys):
    assert upload(str(outdir / "cx"), "--server", server.url) == 0
    first = json.loads((outdir / "cx" / ndex_upload.MANIFEST_NAME).read_text())["networks"]
    assert upload(str(outdir / "cx"), "--server", server.url, "--networkset", "set-1") == 0
    out = capsys.readouterr().out
    assert out.count(": updated ") == len(seed_pathways)
    assert len(server.networks) == len(seed_pathways)
    assert json.loads((outdir / "cx" / ndex_upload.MANIFEST_NAME).read_text())["networks"] == first
    assert sum(m == "PUT" and p.startswith("/v2/network/") for m, p in server.requests) == len(seed_pathways)
    assert sorted(server.networksets["set-1"]) == sorted(first.values())


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
    assert "AAA_broken" in json.loads((outdir / "cx" / ndex_upload.MANIFEST_NAME).read_text())["networks"]


def test_wrong_password_is_a_clear_error_without_the_password(server, outdir, monkeypatch, capsys):
    monkeypatch.setenv("NDEX_PASSWORD", "wrong-" + PASSWORD)
    assert upload(str(outdir / "cx"), "--server", server.url) == 2
    captured = capsys.readouterr()
    assert "NDEx refused the credentials (HTTP 401" in captured.err
    assert PASSWORD not in captured.out + captured.err
    assert not server.networks


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


def test_transient_503_is_retried(server, outdir, capsys):
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
    assert "FAILED: HTTP 500 after 4 attempts" in capsys.readouterr().err
