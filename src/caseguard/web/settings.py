"""What one running web app is set up with."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from caseguard.store.engine import reads_only
from caseguard.workspace.children import ChildIndex


@dataclass
class Settings:
    engine: sa.Engine
    key: bytes  # pseudonym key
    idle: dt.timedelta = dt.timedelta(minutes=30)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    login_attempts_per_client: int = 20  # failed logins per client per window
    login_window: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self) -> None:
        # pages' look-ups: no transaction round trips on PostgreSQL (writes use ``engine``)
        self.reader = reads_only(self.engine)
        self.children = ChildIndex(self.reader, self.key)
        self.signer = URLSafeTimedSerializer(self.secret, salt="caseguard-login")
