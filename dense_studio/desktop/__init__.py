"""Dense Studio as a desktop app, without Qt: the Linux launcher and the GUI entry point.

``launcher`` writes (and removes) the freedesktop ``.desktop`` entry and the icon in the
user's own XDG folders; ``gui`` is the ``dense-studio-gui`` entry point, which Windows starts
without a console. Nothing here imports Qt (an import-linter contract in pyproject.toml),
so the command line stays fast.
"""

#: The launcher's file name (``dense-studio.desktop``), the icon's theme name, and the name
#: the window gives Qt with ``setDesktopFileName`` so that desktops match it to the launcher.
DESKTOP_ID = "dense-studio"
