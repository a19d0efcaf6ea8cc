"""`python -m newsweave.cli`: the same as the `newsweave` command."""

from newsweave.cli import app

app(prog_name="newsweave")
