"""Log-in sessions bound to a secret the browser holds (issue 29, 5).

A successful log-in opens a session: a random token goes to the browser in an HttpOnly,
SameSite=Strict cookie (``server.py`` sets it), and only its SHA-256 is stored here. Every
page run finds the user from the cookie the browser sent, never from the Streamlit session,
so a Streamlit session id alone (it appears in upload URLs and logs) is worth nothing; a
refresh or a copied deep link keeps the user logged in and on the page asked for.

A session ends at log-out (in every tab at once: the record is closed, whichever tab asked),
after ``session_minutes()`` without a page run (idle), ``ABSOLUTE_HOURS`` after the log-in
(absolute), when the account is disabled, and when its password is set anew.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from revitalization.access import Actor
from revitalization.store import Account, LoginSession

COOKIE = "rv_session"
ABSOLUTE_HOURS = 12  # a working day, then log in again
TOUCH_SECONDS = 60  # last_seen is written at most this often (one read per page run otherwise)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def open_session(engine: Engine, actor: Actor, *, source: str = "", at: datetime | None = None) -> str:
    """A new session for ``actor`` (a new token at every log-in: no fixation); the token for
    the browser's cookie."""
    at = at or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.add(LoginSession(token_hash=_digest(token), username=actor.username, created_at=_stamp(at),
                                 last_seen=_stamp(at), source=source[:200]))
        session.commit()
    return token


def session_actor(engine: Engine, token: str | None, *, minutes: int,
                  at: datetime | None = None) -> Actor | None:
    """Who holds ``token``, or None: unknown, ended, idle for more than ``minutes``, older
    than ABSOLUTE_HOURS, or the account disabled (then the session is ended for good)."""
    if not token:
        return None
    at = at or datetime.now(UTC)
    with Session(engine) as session:
        record = session.get(LoginSession, _digest(token))
        if record is None or record.ended_at:
            return None
        account = session.get(Account, record.username)
        seen, born = datetime.fromisoformat(record.last_seen), datetime.fromisoformat(record.created_at)
        if account is None or account.disabled or at - seen > timedelta(minutes=minutes) \
                or at - born > timedelta(hours=ABSOLUTE_HOURS):
            record.ended_at = _stamp(at)
            session.add(record)
            session.commit()
            return None
        if at - seen > timedelta(seconds=TOUCH_SECONDS):
            record.last_seen = _stamp(at)
            session.add(record)
            session.commit()
        return Actor(account.username, account.display, account.role, account.scope)


def close_session(engine: Engine, token: str | None, *, at: datetime | None = None) -> None:
    """Log-out: the session ends for every tab that shares the cookie."""
    if not token:
        return
    with Session(engine) as session:
        session.execute(update(LoginSession).where(
            LoginSession.token_hash == _digest(token), LoginSession.ended_at == ""
        ).values(ended_at=_stamp(at or datetime.now(UTC))))
        session.commit()


def close_all(engine: Engine, username: str, *, at: datetime | None = None) -> None:
    """End every open session of an account (its password set anew, or disabled)."""
    with Session(engine) as session:
        session.execute(update(LoginSession).where(
            LoginSession.username == username, LoginSession.ended_at == ""
        ).values(ended_at=_stamp(at or datetime.now(UTC))))
        session.commit()
