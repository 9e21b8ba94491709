"""``python -m assistant_ui``: the ``aui`` command."""

import sys

from assistant_ui.cli import main

if __name__ == "__main__":
    sys.exit(main())
