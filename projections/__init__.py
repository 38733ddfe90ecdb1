"""Read models replayed from the event log: retention and engagement views.

Projections consume events and track their position; they never call the
application's command methods. Metric formulas live in pure modules
(`metrics`, `retention`, `engagement`) that work on plain rows.
"""
