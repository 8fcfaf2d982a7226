"""Users, sessions, roles (who may see what), tokens and the access log."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

DEMO_ADMIN = "demo-admin"


def demo_admin(engine: sa.Engine) -> tuple[str, str]:
    """The demo's admin user with a newly generated password: (name, password)."""
    from caseguard.web.auth import access, users
    from caseguard.web.auth.roles import Role

    password = secrets.token_urlsafe(15)
    names = {u.name for u in users.list_users(engine)}
    if DEMO_ADMIN in names:
        users.set_password(engine, DEMO_ADMIN, password)
        users.set_disabled(engine, DEMO_ADMIN, disabled=False)
        reason = "demo: password set"
    else:
        users.add_user(engine, DEMO_ADMIN, Role.ADMIN, password)
        reason = "demo: added with role admin"
    access.append(
        engine,
        access.Entry(
            "change", actor="demo", subject_type="user", subject_id=DEMO_ADMIN, reason=reason
        ),
    )
    return DEMO_ADMIN, password
