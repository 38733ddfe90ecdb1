"""Command groups that answer a bare invocation with their help.

`mentorship` or `mentorship person` alone asks what there is to do: the help
goes to stdout with exit code 0 (click's default would be a usage error, 2).
"""

from __future__ import annotations

import click


class HelpGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Shell completion parses resiliently and must not print help.
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)
