"""``python -m upperback.cli``: the same as the ``upperback`` console script."""

from upperback.cli import main

main()
