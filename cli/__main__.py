"""Lets `python -m cli` run the `mentorship` command."""

from cli.main import main

main()
