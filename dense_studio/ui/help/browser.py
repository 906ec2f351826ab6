"""Help → User guide: the bundled pages in a QTextBrowser, offline, in the window's language.

The pages are ``resources/help/<language>/<page>.html`` (images in ``resources/help/images``),
listed in :data:`PAGES` order; each page's ``<title>`` names it in the contents list. Links
between pages and to anchors stay inside; a link out (http, mailto) opens nothing unless the
person confirms, and then only through ``QDesktopServices``. The shortcuts page's
``<!-- menu-shortcuts -->`` is replaced by the window's real menu shortcuts when the menus
are given, so the page can never disagree with them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMenuBar,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dense_studio.ui.help.shortcuts import menu_shortcuts
from dense_studio.ui.help.strings import fill, tr
from dense_studio.ui.i18n import current_language

__all__ = ["HelpBrowser", "PAGES", "HELP_LANGUAGES", "help_folder", "page_path", "page_title",
           "open_external"]

#: The user guide's pages, in reading order (file names without ``.html``).
PAGES = ("getting-started", "network", "formula", "training", "curves", "inside", "drawing",
         "lessons", "files", "shortcuts")
HELP_LANGUAGES = ("en", "zh_TW")
SHORTCUTS_MARK = "<!-- menu-shortcuts -->"
_MAX_PAGE_BYTES = 1_000_000
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def help_folder(language: str) -> Path:
    """The folder of the pages in ``language`` (English for a language without pages)."""
    root = Path(str(resources.files("dense_studio.resources").joinpath("help")))
    return root / (language if language in HELP_LANGUAGES else "en")


def page_path(language: str, page: str) -> Path:
    return help_folder(language) / f"{page}.html"


def page_title(path: Path) -> str:
    match = _TITLE.search(path.read_text(encoding="utf-8"))
    return html.unescape(" ".join(match.group(1).split())) if match else path.stem


def open_external(parent: QWidget, url: QUrl, language: str,
                  confirm: Callable[[QUrl], bool] | None = None) -> bool:
    """Open ``url`` in the system's browser once the person agrees; True when opened."""
    if confirm is None:
        def confirm(link: QUrl) -> bool:
            answer = QMessageBox.question(
                parent, tr("Open in your web browser?", language),
                fill(tr("This link leaves Dense Studio and needs the internet:\n%1", language),
                     link.toString()),
            )
            return answer == QMessageBox.StandardButton.Yes
    if url.scheme() not in ("http", "https", "mailto") or not confirm(url):
        return False
    return QDesktopServices.openUrl(url)


def _shortcuts_table(menus, language: str) -> str:
    rows = [f"<h2>{html.escape(tr('Menu shortcuts', language))}</h2>",
            '<table cellspacing="0" cellpadding="4" border="1">']
    for title, commands in menu_shortcuts(menus):
        rows.append(f'<tr><th colspan="2" align="left">{html.escape(title)}</th></tr>')
        for text, keys in commands:
            rows.append(f"<tr><td>{html.escape(text)}</td>"
                        f"<td>{html.escape(keys or tr('(none)', language))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


class _PageView(QTextBrowser):
    """A QTextBrowser that reads only our pages (and fills in the menu shortcuts)."""

    def __init__(self, owner: "HelpBrowser") -> None:
        super().__init__()
        self._owner = owner

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt name)
        if kind == QTextDocument.ResourceType.HtmlResource.value and name.isLocalFile():
            path = Path(name.toLocalFile())
            if path.suffix == ".html" and path.is_file() and path.stat().st_size <= _MAX_PAGE_BYTES:
                text = path.read_text(encoding="utf-8")
                if SHORTCUTS_MARK in text and self._owner.menus is not None:
                    text = text.replace(
                        SHORTCUTS_MARK, _shortcuts_table(self._owner.menus, self._owner.language))
                return text
        return super().loadResource(kind, name)


class HelpBrowser(QWidget):
    """The user guide: contents on the left, the page on the right, back and forward.

    ``menus`` (the window's QMenuBar or a list of menus) fills in the shortcuts page;
    ``confirm_external(url) -> bool`` replaces the question asked before a link out opens.
    """

    def __init__(self, parent: QWidget | None = None, *, language: str = "en",
                 page: str = PAGES[0], anchor: str = "",
                 menus: QMenuBar | Iterable[QMenu] | None = None,
                 confirm_external: Callable[[QUrl], bool] | None = None) -> None:
        super().__init__(parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window)  # its own window beside the app
        self.setObjectName("helpBrowser")
        self.menus = menus
        self.language = language
        self._confirm = confirm_external

        self.backButton = self._tool_button("helpBack", Qt.ArrowType.LeftArrow)
        self.forwardButton = self._tool_button("helpForward", Qt.ArrowType.RightArrow)
        self.homeButton = self._tool_button("helpHome", None)
        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        self.contents.setAccessibleName("helpContents")
        self.text = _PageView(self)
        self.text.setObjectName("helpText")
        self.text.setAccessibleName("helpText")
        self.text.setOpenLinks(False)  # every link goes through _follow
        self.text.setOpenExternalLinks(False)

        bar = QHBoxLayout()
        for button in (self.backButton, self.forwardButton, self.homeButton):
            bar.addWidget(button)
        bar.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.contents)
        split.addWidget(self.text)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self.backButton.clicked.connect(self.text.backward)
        self.forwardButton.clicked.connect(self.text.forward)
        self.homeButton.clicked.connect(lambda: self.open_page(PAGES[0]))
        self.text.backwardAvailable.connect(self.backButton.setEnabled)
        self.text.forwardAvailable.connect(self.forwardButton.setEnabled)
        self.text.anchorClicked.connect(self._follow)
        self.text.sourceChanged.connect(self._source_changed)
        self.contents.currentRowChanged.connect(self._row_chosen)
        self.backButton.setEnabled(False)
        self.forwardButton.setEnabled(False)

        self.set_language(language, page=page, anchor=anchor)
        self.resize(860, 620)

    def _tool_button(self, name: str, arrow) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setAccessibleName(name)
        if arrow is not None:
            button.setArrowType(arrow)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # later, from the event loop: the event also reaches windows being destroyed
            QTimer.singleShot(0, self, self._follow_language)

    def _follow_language(self) -> None:
        # A hidden guide follows when it is shown again (showEvent): its menus' window may
        # be gone meanwhile, and the shortcuts page reads them.
        if self.isVisible() and current_language() != self.language:
            self.set_language(current_language())  # the window switched language

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if current_language() != self.language:
            self.set_language(current_language())
        super().showEvent(event)

    # ---------------------------------------------------------------- public
    def set_language(self, language: str, *, page: str | None = None, anchor: str = "") -> None:
        """Show the guide in ``language``, on ``page`` (default: the page shown now)."""
        page = page or self.current_page() or PAGES[0]
        self.language = language if language in HELP_LANGUAGES else "en"
        self.setWindowTitle(tr("User guide", self.language))  # Qt adds " — Dense Studio"
        lang = self.language
        self.backButton.setText(tr("Back", lang))
        self.backButton.setToolTip(tr("Back (Alt+Left)", lang))
        self.forwardButton.setText(tr("Forward", lang))
        self.forwardButton.setToolTip(tr("Forward (Alt+Right)", lang))
        self.homeButton.setText(tr("Home", lang))
        self.homeButton.setToolTip(tr("Back to the first page", lang))
        # After setText, which resets a button's shortcut to its text's mnemonic.
        self.backButton.setShortcut(QKeySequence("Alt+Left"))  # as in web browsers
        self.forwardButton.setShortcut(QKeySequence("Alt+Right"))
        self.contents.setToolTip(tr("The pages of the user guide", self.language))
        self.text.setAccessibleDescription(tr("The selected page of the user guide", self.language))
        self.text.setSearchPaths([str(help_folder(self.language))])
        self.contents.blockSignals(True)
        self.contents.clear()
        for name in PAGES:
            item = QListWidgetItem(page_title(page_path(self.language, name)))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.contents.addItem(item)
        self.contents.blockSignals(False)
        self.text.clearHistory()
        self.open_page(page, anchor)

    def open_page(self, page: str, anchor: str = "") -> None:
        """Show ``page`` (one of :data:`PAGES`), scrolled to ``anchor`` if given."""
        if page not in PAGES:
            page = PAGES[0]
        url = QUrl.fromLocalFile(str(page_path(self.language, page)))
        if anchor:
            url.setFragment(anchor)
        self.text.setSource(url)

    def current_page(self) -> str:
        """The name of the page shown ("" before the first)."""
        source = self.text.source() if hasattr(self, "text") else QUrl()
        return Path(source.toLocalFile()).stem if source.isLocalFile() else ""

    # ---------------------------------------------------------------- links
    def _follow(self, url: QUrl) -> None:
        target = self.text.source().resolved(url)
        if target.isLocalFile():
            path = Path(target.toLocalFile())
            if path.parent == help_folder(self.language) and path.stem in PAGES:
                self.text.setSource(target)
            return  # a file outside the guide: never opened
        open_external(self, target, self.language, self._confirm)

    def _source_changed(self, url: QUrl) -> None:
        name = Path(url.toLocalFile()).stem
        if name in PAGES:
            self.contents.blockSignals(True)
            self.contents.setCurrentRow(PAGES.index(name))
            self.contents.blockSignals(False)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(PAGES) and PAGES[row] != self.current_page():
            self.open_page(PAGES[row])
