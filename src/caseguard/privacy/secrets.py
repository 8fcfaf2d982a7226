"""The one display form of a database URL or connection string: every secret masked.

A store is named by a SQLAlchemy URL (``postgresql://user:pw@host/db?sslpassword=…``)
or a libpq connection string (``host=… dbname=… password=…``). Either can carry
secrets: the password in the URL, and any connection parameter that holds one.
``display_url`` is the only way caseguard turns either into text for a console, an
error, ``summary.json`` or a report; ``hide_secrets`` takes a URL's secrets out of a
message written by a driver.

Which parameters are secret is libpq's own answer (the options it marks "hide this
value": ``password``, ``sslpassword``, ``oauth_client_secret``), and any parameter
whose name holds ``password``, ``secret`` or ``_key`` (``scram_client_key``).
Parameters that name a file (``passfile``, ``sslkey``, ``sslcert``, ``sslrootcert``)
are shown: a path is not a secret, and caseguard never reads or prints those files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote_plus

import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy.engine import URL, make_url

MASK = "***"
UNREADABLE = "<a database URL that cannot be read (hidden)>"
_SECRET_WORDS = ("password", "secret", "_key")


@lru_cache(maxsize=1)
def _libpq_options() -> tuple[frozenset[str], frozenset[str]]:
    """libpq's connection keywords, and those it marks as secret (display char ``*``)."""
    options = pq.Conninfo.get_defaults()
    keywords = frozenset(o.keyword.decode() for o in options)
    hidden = frozenset(o.keyword.decode() for o in options if o.dispchar == b"*")
    return keywords, hidden


def is_secret(name: str) -> bool:
    """Whether a connection parameter carries a secret."""
    lowered = name.lower()
    return lowered in _libpq_options()[1] or any(w in lowered for w in _SECRET_WORDS)


def looks_like_conninfo(text: str) -> bool:
    """A libpq ``key=value`` connection string (its first word is a libpq keyword)."""
    if "://" in text or "=" not in text:
        return False
    first = text.split("=", 1)[0].strip().lower()
    return first in _libpq_options()[0]


def conninfo(text: str) -> dict[str, str]:
    """A ``key=value`` connection string's parameters, as libpq reads them.

    Raises ``ValueError`` (with a message free of secrets) when libpq cannot read it.
    """
    try:
        return {k: str(v) for k, v in conninfo_to_dict(text).items()}
    except psycopg.Error:
        raise ValueError("libpq cannot read this connection string") from None


def display_url(text: str) -> str:
    """``text`` (a URL, a connection string or a path) with every secret replaced by ``***``."""
    if looks_like_conninfo(text):
        try:
            params = conninfo(text)
        except ValueError:
            return UNREADABLE
        shown = {k: MASK if is_secret(k) else params[k] for k in sorted(params)}
        return make_conninfo(**shown)
    if "://" not in text:
        return text
    try:
        url = make_url(text)
    except Exception:  # SQLAlchemy raises several kinds for a malformed URL
        return UNREADABLE
    return _render(url)


def _render(url: URL) -> str:
    host = url.host
    if host and "@" in host:  # an '@' in the password that was not percent-encoded
        host = f"{MASK}@{host.rsplit('@', 1)[1]}"
    bare = url.set(host=host, query={}).render_as_string(hide_password=True)
    if not url.query:
        return bare
    pairs = []
    for key in sorted(url.query):
        value = url.query[key]
        for one in (value,) if isinstance(value, str) else value:
            shown = MASK if is_secret(key) else quote_plus(one)
            pairs.append(f"{quote_plus(key)}={shown}")
    return f"{bare}?{'&'.join(pairs)}"


def secrets_of(text: str) -> list[str]:
    """The secret values a URL or connection string carries (longest first)."""
    found: list[str] = []
    if looks_like_conninfo(text):
        try:
            found = [v for k, v in conninfo(text).items() if is_secret(k)]
        except ValueError:
            found = []
    elif "://" in text:
        found = _url_secrets(text)
    return sorted({s for s in found if s}, key=len, reverse=True)


def _url_secrets(text: str) -> list[str]:
    try:
        url = make_url(text)
    except Exception:  # SQLAlchemy raises several kinds for a malformed URL
        return []
    found = [url.password] if isinstance(url.password, str) else []
    if url.host and "@" in url.host:
        found.append(url.host.rsplit("@", 1)[0])
    for key, value in url.query.items():
        if is_secret(key):
            found.extend((value,) if isinstance(value, str) else value)
    return found


def holds_mask(text: str) -> bool:
    """Whether a URL or connection string is a display form (a secret in it is ``***``)."""
    return MASK in secrets_of(text)


def hide_secrets(message: str, sources: Iterable[str]) -> str:
    """A message (e.g. a driver's error) with the secrets of ``sources`` replaced by ``***``.

    A secret is replaced where it stands as a whole word, so a one-letter password
    does not blank every word that holds that letter.
    """
    for source in sources:
        for secret in secrets_of(source):
            message = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", MASK, message)
    return message
