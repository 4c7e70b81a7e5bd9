"""`make run`: start every service of the project in the foreground and stop them all on Ctrl-C.

The Rasa dialogue server and the action server arrive with the dialogue layer; until then this says so
instead of pretending to serve.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    print("policybot: the knowledge base is built (`.venv/bin/policybot show --all`).")
    print("No server exists yet: the dialogue and action servers come with the Rasa dialogue layer.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
