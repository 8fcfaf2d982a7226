"""Rule-table fixtures: see ``helpers.make_case``."""
