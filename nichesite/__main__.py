"""`python -m nichesite` runs the command line."""

from nichesite.cli import main

main()
