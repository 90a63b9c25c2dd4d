"""HTTP authentication of remote stores (src/nenkg/httpauth.py): Digest answers equal the worked
examples of RFC 7616 section 3.9.1, challenges parse as servers write them, and the header is
computed up front once a service has challenged. (Against a real server: tests/test_virtuoso.py.)"""

from __future__ import annotations

import base64

import pytest

from nenkg.httpauth import Authenticator, Challenge, digest_response, parse_challenges

RFC = {"realm": "http-auth@example.org", "qop": "auth, auth-int",
       "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"}
CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


def fields(header: str) -> dict[str, str]:
    assert header.startswith("Digest ")
    return {c.scheme: c for c in parse_challenges(["X " + header[len("Digest "):]])}["x"].params


@pytest.mark.parametrize("algorithm, response", [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_digest_answers_are_those_of_rfc_7616(algorithm, response):
    header = digest_response(Challenge("digest", {**RFC, "algorithm": algorithm}), "Mufasa", "Circle of Life",
                             "GET", "/dir/index.html", 1, CNONCE)
    f = fields(header)
    assert f["response"] == response
    assert (f["nc"], f["qop"], f["algorithm"], f["uri"], f["opaque"]) == ("00000001", "auth", algorithm,
                                                                          "/dir/index.html", RFC["opaque"])


def test_challenges_as_virtuoso_writes_them():
    value = ('Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="e33c91ee", '
             'opaque="5ebe2294", stale="false", qop="auth", algorithm="MD5"')
    [c] = parse_challenges([value])
    assert c.scheme == "digest" and c.params["realm"] == "SPARQL" and c.params["stale"] == "false"
    two = parse_challenges(['Basic realm="x, y", Digest realm=r, nonce="n"'])
    assert [(c.scheme, c.params) for c in two] == [("basic", {"realm": "x, y"}), ("digest", {"realm": "r", "nonce": "n"})]


def test_header_up_front_after_a_challenge(tmp_path, monkeypatch):
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    auth = Authenticator()
    url = auth.add("http://dba:s%40cret@127.0.0.1:8890/sparql-graph-crud-auth")
    assert url == "http://127.0.0.1:8890/sparql-graph-crud-auth"  # no credentials in what is shown
    target = url + "?graph=urn%3Ax"
    assert auth.has_credentials(target) and not auth.challenged(target) and auth.header("PUT", target) is None
    assert auth.learn(target, ['Basic realm="r"', 'Digest realm="SPARQL", nonce="abc", qop="auth"'])
    first, second = fields(auth.header("PUT", target)), fields(auth.header("PUT", target))
    assert first["username"] == "dba" and first["uri"] == "/sparql-graph-crud-auth?graph=urn%3Ax"
    assert (first["nc"], second["nc"]) == ("00000001", "00000002")  # the nonce reused, counted
    assert auth.stale(['Digest realm="SPARQL", nonce="new", stale="true"'])
    other = Authenticator()
    other.add("http://u:p@host/data")
    assert other.learn("http://host/data?graph=g", ['Basic realm="fuseki"'])
    assert other.header("POST", "http://host/data") == "Basic " + base64.b64encode(b"u:p").decode()
    assert not Authenticator().learn("http://host/x", ['Basic realm="r"'])  # no credentials, nothing to answer


def test_netrc_credentials(tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\nlogin dba\npassword dba\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    auth = Authenticator()
    assert auth.add("http://127.0.0.1:8890/sparql") == "http://127.0.0.1:8890/sparql"
    assert auth.has_credentials("http://127.0.0.1:8890/sparql?query=x")
    assert not auth.has_credentials("http://127.0.0.1:8890/other")
