"""Keeping names, secrets and hostile cells out of what caseguard writes."""
