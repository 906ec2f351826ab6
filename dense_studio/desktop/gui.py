"""``dense-studio-gui``: the window, started the way ``dense-studio`` starts it.

Installed as a ``[project.gui-scripts]`` entry point, so Windows runs it without a console
window. It is the command line itself (``dense_studio.cli.main``), so the window opens exactly
as with ``dense-studio`` and no arguments, through the same error handling.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from dense_studio.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
