"""caseguard: quality assurance for police investigations into child exploitation."""

__version__ = "0.1.0"
