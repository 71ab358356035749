"""OpenReview credentials and a login session that renews itself.

Since June 2026 OpenReview answers anonymous API clients with a 403
``ChallengeRequiredError`` (a browser challenge); logged-in users pass. A live
OpenReview crawl therefore needs an account. Credentials are looked up, first hit wins:

1. ``OPENREVIEW_TOKEN`` (a session token; it cannot be renewed), or
   ``OPENREVIEW_USERNAME`` and ``OPENREVIEW_PASSWORD`` (openreview-py's own names);
2. a netrc file (``$NETRC`` or ``~/.netrc``) with a ``machine`` line for the API host
   (``api2.openreview.net``) or ``openreview.net``;
3. when standard input is a terminal, a prompt (the password is never echoed).

Login is ``POST /login`` (what openreview-py's ``login_user`` sends); an account with
multi-factor authentication is handed to openreview-py, which runs its prompts. A
token lasts an hour: the session logs in again shortly before then, and again when
the API answers 401, so a crawl that outlives its token goes on.
"""

from __future__ import annotations

import getpass
import netrc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from talentflow.errors import TalentflowError, require
from talentflow.sources.http_cache import AuthError

TOKEN_SECONDS = 3600  # the API's default token lifetime
RENEW_MARGIN_SECONDS = 300

NO_CREDENTIALS = (
    "OpenReview needs a login for API crawls (anonymous clients get a 403 "
    "ChallengeRequiredError since June 2026): set OPENREVIEW_USERNAME and "
    "OPENREVIEW_PASSWORD, or add 'machine {host} login YOU password ...' to ~/.netrc, "
    "or run the command in a terminal to be asked"
)


@dataclass(frozen=True)
class Credentials:
    """How to log in: a username and password, or a bare token (not renewable)."""

    username: str | None = None
    password: str | None = None
    token: str | None = None
    origin: str = "environment"


def _netrc_credentials(host: str) -> Credentials | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.exists():
        return None
    try:
        entries = netrc.netrc(str(path))
    except (netrc.NetrcParseError, OSError) as exc:
        raise TalentflowError(f"{path}: cannot read it ({exc})") from None
    for machine in (host, "openreview.net"):
        found = entries.authenticators(machine)
        if found and found[0] and found[2]:
            return Credentials(username=found[0], password=found[2], origin=f"{path}")
    return None


def find_credentials(
    base_url: str,
    *,
    is_terminal: Callable[[], bool] = lambda: sys.stdin.isatty(),
    ask: Callable[[str], str] = input,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> Credentials:
    """The OpenReview credentials to use (see the module docstring), or a one-line error."""
    token = os.environ.get("OPENREVIEW_TOKEN")
    if token:
        return Credentials(token=token.removeprefix("Bearer ").strip())
    user = os.environ.get("OPENREVIEW_USERNAME")
    password = os.environ.get("OPENREVIEW_PASSWORD")
    if user and password:
        return Credentials(username=user, password=password)
    host = httpx.URL(base_url).host
    from_file = _netrc_credentials(host)
    if from_file is not None:
        return from_file
    if is_terminal():
        user = user or ask("OpenReview username (e-mail): ").strip()
        password = ask_secret(f"OpenReview password for {user}: ")
        if user and password:
            return Credentials(username=user, password=password, origin="prompt")
    raise TalentflowError(NO_CREDENTIALS.format(host=host))


def login_with_client(client: httpx.Client, base_url: str, creds: Credentials) -> str:
    """A session token from ``POST /login``; accounts with MFA go through openreview-py."""
    url = f"{base_url.rstrip('/')}/login"
    payload = {"id": creds.username, "password": creds.password, "expiresIn": TOKEN_SECONDS}
    try:
        response = client.post(url, json=payload)
    except httpx.TransportError as exc:
        raise AuthError(f"OpenReview login at {url} failed: {exc}") from None
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        data = {}
    if response.status_code >= 400 or not isinstance(data, dict):
        message = data.get("message") if isinstance(data, dict) else None
        raise AuthError(
            f"OpenReview login for {creds.username} (from {creds.origin}) was refused: "
            f"HTTP {response.status_code} {message or ''}".rstrip()
        )
    if data.get("mfaPending"):
        openreview = require("openreview", "live")
        mfa_client = openreview.api.OpenReviewClient(  # type: ignore[attr-defined]
            baseurl=base_url, username=creds.username, password=creds.password
        )
        return str(mfa_client.token)
    if not data.get("token"):
        raise AuthError(f"OpenReview login at {url} answered without a token")
    return str(data["token"])


class OpenReviewSession:
    """Bearer headers for every request; logs in again before the token runs out and
    when the API answers 401 (see :class:`talentflow.sources.http_cache.Session`)."""

    def __init__(
        self,
        creds: Credentials,
        login: Callable[[Credentials], str],
        clock: Callable[[], float] = time.time,
        lifetime_seconds: float = TOKEN_SECONDS,
    ) -> None:
        self.creds = creds
        self._login = login
        self.clock = clock
        self.lifetime_seconds = lifetime_seconds
        self.token = creds.token
        self.obtained_at = clock() if creds.token else None
        self.logins = 0

    @property
    def can_renew(self) -> bool:
        return bool(self.creds.username and self.creds.password)

    def renew(self) -> bool:
        if not self.can_renew:
            return False
        self.token = self._login(self.creds)
        self.obtained_at = self.clock()
        self.logins += 1
        return True

    def headers(self) -> dict[str, str]:
        stale = (
            self.obtained_at is None
            or self.clock() - self.obtained_at > self.lifetime_seconds - RENEW_MARGIN_SECONDS
        )
        if (self.token is None or stale) and self.can_renew:
            self.renew()
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}
