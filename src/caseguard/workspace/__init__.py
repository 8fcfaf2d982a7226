"""What the web app and the API show, read from the store: runs, the dashboard, case
lists, case and child pages, each scoped to what one user may see.

Each page is one call here; ``caseguard.web`` only parses, checks access and renders.
"""

from caseguard.workspace.scope import Scope

__all__ = ["Scope"]
