"""The social-spend ledger: contracts with targets, spend lines, supplier resolution, progress.

Modules, one job each: ``names`` (normalise supplier names and registration ids), ``resolve``
(match suppliers to the enterprise directory with blocking), ``spendfiles`` (read council spend
files and contractor returns), ``contracts`` (register contracts, categories, targets), ``store``
(the append-only SQLite ledger), ``progress`` (pure report figures), ``report`` (HTML/CSV/JSON).
"""
