"""``python -m bot.cli``: the same as the ``fingertip`` command."""

from bot.cli import main

main()
