"""HTTP authentication of a remote store: where the user name and password come from, and an
opener that answers a server's Basic or Digest challenge with them.

Credentials come from the URL itself (``http://user:password@host/...``), else from a netrc file
(``$NETRC``, else ``~/.netrc``) entry for the host, as curl and requests read it. URLs are used
and shown without their user part, so a password never reaches a message.
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
import urllib.request
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


def build_opener(urls: list[str]) -> tuple[list[str], urllib.request.OpenerDirector, bool]:
    """The URLs without their user parts, an opener that authenticates to them, and whether any
    credentials were found (then request bodies must be re-sendable: a challenge repeats them)."""
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    clean_urls, found = [], False
    for url in urls:
        clean, creds = split_credentials(url)
        creds = creds or netrc_credentials(clean)
        if creds is not None:
            manager.add_password(None, clean, *creds)
            found = True
        clean_urls.append(clean)
    handlers: list[urllib.request.BaseHandler] = []
    if found:
        handlers = [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
    return clean_urls, urllib.request.build_opener(*handlers), found
