"""The web workspace's tables: users and their teams, sessions, API tokens, access log.

Sessions and tokens are stored as SHA-256 hashes of the secret the browser or the
API client holds, so a copy of the store does not let anyone in. ``access_log`` is
append-only and hash-chained (see ``caseguard.web.auth.access``).
"""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.store.tables import metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=True),
    sa.Column("staff_id", sa.String(200), nullable=True),
    sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(), nullable=True),
)

user_teams = sa.Table(
    "user_teams",
    metadata,
    sa.Column("user_id", sa.Integer(), primary_key=True),
    sa.Column("team", sa.String(200), primary_key=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer(), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(), nullable=False),
    sa.Column("ended_at", sa.DateTime(), nullable=True),
    sa.Column("revealed_child", sa.String(200), nullable=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer(), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("revoked_at", sa.DateTime(), nullable=True),
)

access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("actor", sa.String(80), nullable=True),
    sa.Column("role", sa.String(20), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("subject_type", sa.String(20), nullable=True),
    sa.Column("subject_id", sa.String(200), nullable=True),
    sa.Column("client", sa.String(80), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False),
)
