"""upload-ndex against a local NDEx stand-in (tests/ndex_server.py), through the real ndex2 client."""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import socket
import threading
import time
from urllib.parse import quote

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
    survives the conversion, the family names are placed and the edges drawn as in our own .cx2."""
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
        assert aspect(converted, "nodeBypasses") == aspect(ours, "nodeBypasses")  # sizes, suspect/flag borders
        # caption interactions: the same edges, attributes typed alike, arrows and dashes mapped alike
        assert aspect(converted, "edges") == aspect(ours, "edges")
        ours_style = aspect(ours, "visualProperties")[0]
        assert style["default"]["edge"] == ours_style["default"]["edge"]
        assert {p: {k: m["definition"][k] for k in ("attribute", "map")} for p, m in style["edgeMapping"].items()} == {
            p: {k: m["definition"][k] for k in ("attribute", "map")} for p, m in ours_style["edgeMapping"].items()}


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


# --- hostile and dead servers: bounded in time, one clear line, nothing half-written ------------------------

def bounded(*argv: str, limit: float = 8.0) -> tuple[int, float]:
    """upload(*argv) in a thread: its exit code and seconds, or a failure if it is still running after ``limit``."""
    result: list[int] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: result.append(upload(*argv)), daemon=True)
    worker.start()
    worker.join(limit)
    assert result, f"upload-ndex {' '.join(argv)} still running after {limit} s"
    return result[0], time.monotonic() - started


@contextlib.contextmanager
def raw_server(handle):
    """A TCP server on 127.0.0.1 that gives each connection to ``handle(conn)``; yields (url, connection count)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        listener.close()


def read_request(conn) -> tuple[str, dict[str, str], bytes]:
    """The request line, headers and body of one HTTP request on ``conn``."""
    stream = conn.makefile("rb")
    line = stream.readline().decode()
    headers = {}
    while (header := stream.readline().decode().strip()):
        key, _, value = header.partition(":")
        headers[key.strip().lower()] = value.strip()
    return line, headers, stream.read(int(headers.get("content-length", 0)))


def closed_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def no_manifest_anywhere(folder) -> bool:
    return not list(folder.rglob("*manifest*"))


def test_a_closed_port_stops_the_batch_at_once(outdir, monkeypatch, capsys):
    """Issue 14 item 6: 5 files x 5 tries against a closed port took 83 s; now the first refusal stops it."""
    monkeypatch.setattr(ndex_upload, "RETRY_DELAYS", (1.0, 2.0, 4.0, 8.0))  # the real delays
    url = closed_port_url()
    code, seconds = bounded(str(outdir / "cx"), "--server", url)
    captured = capsys.readouterr()
    assert code == 2 and seconds < 5
    (line,) = [line for line in captured.err.splitlines() if "warning: " not in line]
    assert line.startswith(f"upload-ndex: {url}: cannot connect: connection refused; stopped at ")
    assert line.endswith(", 5 of 5 files not tried")
    assert "manifest" not in captured.out + captured.err and no_manifest_anywhere(outdir)  # issue 15 item 5


@pytest.mark.parametrize("big", [False, True], ids=["waiting-for-the-answer", "sending-a-file-it-never-reads"])
def test_a_server_that_never_answers_times_out(outdir, big, capsys):
    """It accepts the connection (the kernel's backlog) and never reads or answers: --timeout ends the wait."""
    if big:
        (outdir / "cx" / "AAA_big.cx").write_text(json.dumps([{"padding": "x" * 30_000_000}]))
    files = len(list((outdir / "cx").glob("*.cx")))
    with socket.create_server(("127.0.0.1", 0), backlog=16) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        code, seconds = bounded(str(outdir / "cx"), "--server", url, "--timeout", "1")
    captured = capsys.readouterr()
    assert code == 2 and seconds < 5
    assert f"upload-ndex: {url}: no answer within 1 s (--timeout); stopped at " in captured.err
    assert f"{files} of {files} files not tried" in captured.err and no_manifest_anywhere(outdir)


def test_a_server_that_hangs_up_is_tried_once(outdir, monkeypatch, capsys):
    monkeypatch.setattr(ndex_upload, "RETRY_DELAYS", (1.0, 2.0, 4.0, 8.0))
    with raw_server(lambda conn: (read_request(conn), conn.close())) as (url, accepted):
        code, seconds = bounded(str(outdir / "cx"), "--server", url)
        assert len(accepted) == 1
    assert code == 2 and seconds < 5
    err = capsys.readouterr().err
    assert "the server closed the connection without answering; stopped at" in err and no_manifest_anywhere(outdir)


@pytest.mark.parametrize("stalled, flags, uploaded, failed",
                         [("POST /v2/network", [False, True], 1, 0), ("GET /v2/network/", [True], 0, 1)],
                         ids=["second-upload-stalls", "first-summary-stalls"])
def test_a_server_that_stops_answering_midway(server, outdir, stalled, flags, uploaded, failed, capsys):
    """NDEx hangs after a while: the batch stops after one --timeout, and the manifest keeps every network NDEx
    made (one whose summary poll stalled too, so that a re-run updates it)."""
    files = sorted((outdir / "cx").glob("*.cx"))
    server.stall_next[stalled] = flags
    code, seconds = bounded(*map(str, files), "--server", server.url, "--timeout", "1")
    captured = capsys.readouterr()
    assert code == 1 and seconds < 6
    stopped_at = files[1 if uploaded else 0].stem  # the second upload, or the first file's summary poll
    assert f"no answer within 1 s (--timeout); stopped at {stopped_at}, " in captured.err
    assert f"upload-ndex: {uploaded} uploaded, {failed} failed, {len(files) - uploaded - failed} not tried; " \
           f"manifest {outdir / 'cx' / ndex_upload.MANIFEST_NAME}" in captured.out
    assert sorted(manifest(outdir / "cx")) == [p.stem for p in files[:1]]
    assert len(server.networks) == 1


# --- credentials -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("userinfo", ["bob:hunter2-Secret@", "bob@", ":hunter2-Secret@"])
def test_credentials_in_the_server_url_are_refused_and_never_shown(server, outdir, userinfo, capsys):
    """Issue 14 item 14: https://user:pass@host was printed and saved in the manifest. It is refused (the README
    says why and what to use instead) before any request, and nothing printed or written holds it."""
    url = server.url.replace("://", "://" + userinfo)
    assert upload(str(outdir / "cx"), "--server", url) == 2
    captured = capsys.readouterr()
    assert f"upload-ndex: --server {server.url}: user:password@ in the URL is not used" in captured.err
    assert "hunter2" not in captured.out + captured.err and "bob" not in captured.out + captured.err
    assert not server.requests and no_manifest_anywhere(outdir)


def test_a_manifest_saved_with_credentials_is_rewritten_without_them(server, outdir, capsys):
    """Manifests written before the fix held https://user:pass@host: read as that server, saved without them."""
    one = sorted((outdir / "cx").glob("*.cx"))[0]
    path = outdir / "cx" / ndex_upload.MANIFEST_NAME
    path.write_text(json.dumps({"server": server.url.replace("://", "://bob:hunter2-Secret@"), "networks": {}}))
    assert upload(str(one), "--server", server.url) == 0
    assert json.loads(path.read_text())["server"] == server.url and "hunter2" not in "".join(capsys.readouterr())
    path.write_text(json.dumps({"server": "https://bob:hunter2-Secret@www.ndexbio.org", "networks": {}}))
    assert upload(str(one), "--server", server.url) == 2
    err = capsys.readouterr().err
    assert f"manifest {path} records networks on https://www.ndexbio.org, not {server.url}" in err
    assert "hunter2" not in err
    path.write_text("[]")
    assert upload(str(one), "--server", server.url) == 2
    assert "is not an upload-ndex manifest" in capsys.readouterr().err


def test_plain_http_to_another_machine_needs_allow_http(outdir, capsys):
    assert upload(str(outdir / "cx"), "--server", "http://ndex.example.org") == 2
    err = capsys.readouterr().err
    assert "--server http://ndex.example.org is plain HTTP: the NDEx password would cross the network" in err
    assert "--allow-http" in err and no_manifest_anywhere(outdir)
    assert ndex_upload.server_url("http://ndex.example.org/", allow_http=True) == "http://ndex.example.org"
    assert ndex_upload.server_url("www.ndexbio.org") == "https://www.ndexbio.org"  # as ndex2 reads it


def test_plain_http_on_this_machine_warns(server, outdir, capsys):
    one = sorted((outdir / "cx").glob("*.cx"))[0]
    assert upload(str(one), "--server", server.url) == 0
    assert f"upload-ndex: warning: {server.url} is plain HTTP: the password is sent unencrypted" in \
        capsys.readouterr().err


ODD_PASSWORD = 'p@ss w0rd/"é%'


def echo_credentials(conn) -> None:
    """A hostile server: every request gets a 400 whose message repeats the credentials in every form it got
    them, the password across the 400th character of what upload-ndex prints after "FAILED: "."""
    _, headers, _ = read_request(conn)
    basic = headers.get("authorization", "")
    decoded = base64.b64decode(basic.split()[-1]).decode("latin-1") if basic else ""  # requests' encoding
    username, _, password = decoded.partition(":")
    start = f"Authorization: {basic} | {quote(password, safe='')} | "
    padding = ("padding " * 60)[: 395 - len("HTTP 400: ") - len(start) - len(username) - 1]
    text = f"{start}{padding}{decoded} | the end"
    body = json.dumps({"errorCode": "NDEx_Bad_Request_Exception", "message": text}).encode()
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    conn.close()


def test_a_server_echoing_the_credentials_shows_none_of_them(outdir, monkeypatch, capsys):
    monkeypatch.setenv("NDEX_PASSWORD", ODD_PASSWORD)
    with raw_server(echo_credentials) as (url, _):
        assert bounded(str(outdir / "cx"), "--server", url, "--timeout", "2")[0] == 1
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert printed.count("FAILED: HTTP 400: Authorization: Basic ******** | ******** | padding") == 5
    basic = base64.b64encode(f"{USER}:{ODD_PASSWORD}".encode("latin-1")).decode()
    for secret in (ODD_PASSWORD, ODD_PASSWORD[:5], quote(ODD_PASSWORD, safe=""), basic, basic[:12]):
        assert secret not in printed


def test_a_short_password_does_not_mangle_messages(outdir, monkeypatch, capsys):
    monkeypatch.setenv("NDEX_PASSWORD", "p")
    assert upload(str(outdir / "cx"), "--server", closed_port_url()) == 2
    assert "cannot connect: connection refused; stopped at " in capsys.readouterr().err


def test_a_redirect_to_another_host_gets_no_credentials(server, outdir, capsys):
    """requests drops Authorization when a redirect leaves the host; the upload fails instead of passing."""
    with raw_server(lambda conn: (received.append(read_request(conn)[1]), conn.close())) as (elsewhere, _):
        received: list[dict[str, str]] = []
        target = elsewhere.replace("127.0.0.1", "localhost")

        def redirect(conn):
            read_request(conn)
            conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {target}/v2/network\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n".encode())
            conn.close()
        with raw_server(redirect) as (url, _):
            one = sorted((outdir / "cx").glob("*.cx"))[0]
            code, _ = bounded(str(one), "--server", url, "--timeout", "2")
    assert code == 2 and received
    assert all("authorization" not in headers for headers in received)
    assert PASSWORD not in "".join(capsys.readouterr())


# --- what ndex2 sends, and --help ------------------------------------------------------------------------

def test_localhost_servers_are_used_as_given(server, outdir):
    """ndex2 replaces any host containing "localhost" by http://localhost:8080/ndexbio-rest."""
    url = server.url.replace("127.0.0.1", "localhost")
    one = sorted((outdir / "cx").glob("*.cx"))[0]
    assert upload(str(one), "--server", url) == 0 and len(server.networks) == 1


def test_uploads_are_the_requests_ndex2_sends_plus_a_timeout(outdir):
    """The timed client's POST is ndex2's own (headers, multipart field), so the override hides no change."""
    from ndex2.client import Ndex2

    seen = []

    def capture(conn):
        line, headers, body = read_request(conn)
        seen.append((line, {k: v for k, v in headers.items() if k not in ("content-length", "content-type")},
                     headers["content-type"].split(";")[0], body.split(b"\r\n")[1:3]))
        answer = f"{url}/v2/network/{'0' * 8}-0000-0000-0000-{'0' * 12}"
        conn.sendall(f"HTTP/1.1 201 Created\r\nLocation: {answer}\r\nContent-Type: text/plain\r\n"
                     f"Content-Length: {len(answer)}\r\nConnection: close\r\n\r\n{answer}".encode())
        conn.close()

    data = sorted((outdir / "cx").glob("*.cx"))[0].read_bytes()
    with raw_server(capture) as (url, _):
        for client in (Ndex2(host=url, username=USER, password=PASSWORD, skip_version_check=True),
                       ndex_upload._timed_client(url, USER, PASSWORD, 5.0)):
            client.save_cx_stream_as_new_network(io.BytesIO(data), visibility="PUBLIC")
            client.update_cx2_network(io.BytesIO(data), "0" * 8 + "-0000-0000-0000-" + "0" * 12)
    assert len(seen) == 4 and seen[:2] == seen[2:]
    assert seen[0][0].startswith("POST /v2/network?visibility=PUBLIC ") and seen[1][0].startswith("PUT /v3/networks/")


def test_help_shows_examples(capsys):
    """Issue 15 item 5: every command's --help has examples."""
    with pytest.raises(SystemExit):
        upload("--help")
    out = capsys.readouterr().out
    assert "examples:\n  export NDEX_USERNAME=" in out and "  pfocr-export upload-ndex out/cx " in out
    assert "--timeout SECONDS" in out and "--allow-http" in out and "Exit codes:" in out
