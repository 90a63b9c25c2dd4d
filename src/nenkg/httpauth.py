"""HTTP authentication of a remote store: where the user name and password come from, and the
``Authorization`` header that answers a server's Basic or Digest challenge with them.

Credentials come from the URL itself (``http://user:password@host/...``), else from a netrc file
(``$NETRC``, else ``~/.netrc``) entry for the host, as curl and requests read it. URLs are used
and shown without their user part, so a password never reaches a message.

:class:`Authenticator` keeps the last challenge of each service (URL without its query) and
computes the header *before* a request is sent (RFC 7617 Basic; RFC 7616 Digest with ``qop=auth``,
MD5 or SHA-256, the nonce reused with a growing count). urllib's own handlers only answer a 401
after the fact, by sending the request again; a server that closes the connection on an
unauthorized upload before reading it (Virtuoso) then breaks the first upload. With the header
computed up front, an upload is sent once, already authorized.
"""

from __future__ import annotations

import hashlib
import netrc
import os
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NenkgError


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without its user part, and the (user, password) it carried, if any.

    >>> split_credentials("http://dba:s%40cret@127.0.0.1:8890/sparql-graph-crud-auth")
    ('http://127.0.0.1:8890/sparql-graph-crud-auth', ('dba', 's@cret'))
    >>> split_credentials("http://127.0.0.1:7878/query")
    ('http://127.0.0.1:7878/query', None)
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, (urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))


def netrc_credentials(url: str) -> tuple[str, str] | None:
    """The (login, password) of the netrc entry for the URL's host (or its ``default`` entry)."""
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as exc:
        raise NenkgError(f"{exc.filename}:{exc.lineno}: {exc.msg}") from None
    except OSError as exc:
        raise NenkgError(f"{path}: {exc.strerror}") from None
    if entry is None:
        return None
    login, _, password = entry
    return login or "", password or ""


# --- challenges ------------------------------------------------------------------------------

_PARAM = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*(?:,|$)')
_SCHEME = re.compile(r"\s*,?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+|$|(?=,))")


@dataclass
class Challenge:
    scheme: str  #: lower case: "basic", "digest", ...
    params: dict[str, str] = field(default_factory=dict)  #: names lower case, values unquoted


def parse_challenges(values: list[str]) -> list[Challenge]:
    """The challenges of ``WWW-Authenticate`` header values (several may share one header).

    >>> [(c.scheme, c.params) for c in parse_challenges(['Digest realm="a, b", qop="auth", nonce=x1, Basic realm="r"'])]
    [('digest', {'realm': 'a, b', 'qop': 'auth', 'nonce': 'x1'}), ('basic', {'realm': 'r'})]
    """
    out: list[Challenge] = []
    for value in values:
        i, n = 0, len(value)
        while i < n:
            m = _SCHEME.match(value, i)
            if not m or m.end() == i:
                break
            challenge = Challenge(m.group(1).lower())
            out.append(challenge)
            i = m.end()
            while i < n:
                p = _PARAM.match(value, i)
                if not p:
                    break
                raw = p.group(2)
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                challenge.params[p.group(1).lower()] = raw
                i = p.end()
    return out


_DIGESTS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def digest_response(challenge: Challenge, user: str, password: str, method: str, uri: str, nc: int,
                    cnonce: str) -> str:
    """The ``Authorization`` value answering a Digest challenge (RFC 7616, ``qop=auth``, or RFC 2069
    when the server offers no qop). The RFC 7616 section 3.9.1 example:

    >>> c = Challenge("digest", {"realm": "http-auth@example.org", "qop": "auth, auth-int", "algorithm": "SHA-256",
    ...     "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"})
    >>> digest_response(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
    ...     "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ").split('response="')[1][:64]
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'
    """
    p = challenge.params
    algorithm = p.get("algorithm", "MD5")
    base = algorithm.upper().removesuffix("-SESS")
    if base not in _DIGESTS:
        raise NenkgError(f"the server asks for Digest algorithm {algorithm}, which nenkg does not implement "
                         f"(it does {', '.join(_DIGESTS)})")

    def h(text: str) -> str:
        return _DIGESTS[base](text.encode("utf-8")).hexdigest()

    realm, nonce = p.get("realm", ""), p.get("nonce", "")
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in p.get("qop", "").split(",") if q.strip()]
    fields = [("username", user), ("realm", realm), ("nonce", nonce), ("uri", uri)]
    if qops:
        if "auth" not in qops:
            raise NenkgError(f"the server asks for Digest qop {p['qop']}, nenkg does qop=auth only")
        count = f"{nc:08x}"
        response = h(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
        fields += [("response", response), ("cnonce", cnonce), ("nc", None), ("qop", None)]
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
        fields.append(("response", response))
    if "opaque" in p:
        fields.append(("opaque", p["opaque"]))
    fields.append(("algorithm", None))

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    unquoted = {"nc": f"{nc:08x}", "qop": "auth", "algorithm": algorithm}
    return "Digest " + ", ".join(f"{k}={quoted(v) if v is not None else unquoted[k]}" for k, v in fields)


def service(url: str) -> str:
    """The URL without query and fragment: a service whose challenges are remembered together."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class Authenticator:
    """Credentials for some URLs, and the challenges their servers have made."""

    def __init__(self) -> None:
        self._credentials: dict[str, tuple[str, str]] = {}
        self._challenges: dict[str, Challenge] = {}
        self._counts: dict[str, int] = {}  # nonce -> requests sent with it

    def add(self, url: str) -> str:
        """Reads the credentials of a URL (its user part, else netrc) and gives it without them."""
        clean, creds = split_credentials(url)
        creds = creds or netrc_credentials(clean)
        if creds is not None:
            self._credentials[service(clean)] = creds
        return clean

    def has_credentials(self, url: str) -> bool:
        return service(url) in self._credentials

    def challenged(self, url: str) -> bool:
        """Whether the server has already said how to authenticate to this URL's service."""
        return service(url) in self._challenges

    def learn(self, url: str, www_authenticate: list[str]) -> bool:
        """Keeps the server's challenge (Digest preferred to Basic); whether there is one to answer."""
        if not self.has_credentials(url):
            return False
        offered = parse_challenges(www_authenticate)
        usable = [c for c in offered if c.scheme == "digest"
                  and c.params.get("algorithm", "MD5").upper().removesuffix("-SESS") in _DIGESTS]
        usable += [c for c in offered if c.scheme == "basic"]
        if not usable:
            if offered:
                raise NenkgError(f"{service(url)}: the server asks for {', '.join(c.scheme for c in offered)} "
                                 "authentication; nenkg answers Basic and Digest (MD5, SHA-256)")
            return False
        self._challenges[service(url)] = usable[0]
        return True

    def stale(self, www_authenticate: list[str]) -> bool:
        """Whether a 401 only says the nonce has expired (the credentials were right)."""
        return any(c.scheme == "digest" and c.params.get("stale", "").lower() == "true"
                   for c in parse_challenges(www_authenticate))

    def header(self, method: str, url: str) -> str | None:
        """The ``Authorization`` value for a request, if the service has challenged before."""
        key = service(url)
        challenge, creds = self._challenges.get(key), self._credentials.get(key)
        if challenge is None or creds is None:
            return None
        user, password = creds
        if challenge.scheme == "basic":
            import base64

            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        nonce = challenge.params.get("nonce", "")
        self._counts[nonce] = self._counts.get(nonce, 0) + 1
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        return digest_response(challenge, user, password, method, uri or "/", self._counts[nonce], os.urandom(16).hex())


def plain_opener() -> urllib.request.OpenerDirector:
    """An opener without urllib's authentication handlers (:class:`Authenticator` does that)."""
    return urllib.request.build_opener()
