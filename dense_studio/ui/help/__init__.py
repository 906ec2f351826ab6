"""Help for the desktop app: the user guide, keyboard shortcuts, first-run guide, About, icon.

Each piece is a widget the window creates when asked (Help menu, first start); none of them
needs the window's internals, only its widgets' objectNames, its menus and its language.
Their translations are the "Help|…" entries of the app's table (see ``strings.py``).
"""

from dense_studio.ui.help.about import AboutDialog
from dense_studio.ui.help.browser import PAGES, HelpBrowser
from dense_studio.ui.help.guide import FIRST_RUN_STEPS, FirstRunGuide, GuideStep, guide_disabled
from dense_studio.ui.help.identity import app_icon, apply_app_identity
from dense_studio.ui.help.shortcuts import ShortcutsDialog, actions_without_shortcut

__all__ = [
    "AboutDialog", "HelpBrowser", "PAGES", "FirstRunGuide", "GuideStep", "FIRST_RUN_STEPS",
    "guide_disabled", "app_icon", "apply_app_identity", "ShortcutsDialog",
    "actions_without_shortcut",
]
