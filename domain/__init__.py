"""Mentorship Ledger's domain: people, programs and mentorships as event-sourced
aggregates, and the application that records their events.

Nothing here imports click, SQL or the projections.
"""
