"""Shell completion as the README documents it: click's, under the
`_MENTORSHIP_COMPLETE` variable that the `mentorship` program name gives."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli


def _complete(**env: str) -> str:
    result = CliRunner(env=env).invoke(cli, [], prog_name="mentorship")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("shell", "start"),
    [
        ("bash", "_mentorship_completion() {"),
        ("zsh", "#compdef mentorship"),
        ("fish", "function _mentorship_completion;"),
    ],
)
def test_each_shell_gets_its_completion_script(shell: str, start: str) -> None:
    assert _complete(_MENTORSHIP_COMPLETE=f"{shell}_source").lstrip().startswith(start)


def test_bash_completes_the_subcommands_of_a_group() -> None:
    completed = _complete(
        _MENTORSHIP_COMPLETE="bash_complete", COMP_WORDS="mentorship program ", COMP_CWORD="2"
    )

    assert completed.splitlines() == ["plain,close", "plain,history", "plain,launch", "plain,show"]
