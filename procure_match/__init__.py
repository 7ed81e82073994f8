"""procure-match: win public contracts for social enterprises.

Ingest tender notices and a social-enterprise directory, score every enterprise against every
notice with explained scores, propose consortium bids, and track social-enterprise spend.
"""

__version__ = "0.1.0"
