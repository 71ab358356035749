"""``python -m talentflow`` runs the command line."""

from talentflow.cli import main

main()
