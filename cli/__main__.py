"""Lets `python -m cli` run the `mentorship` command."""

from cli.main import main

if __name__ == "__main__":  # run as `python -m cli`, not when merely imported
    main()
