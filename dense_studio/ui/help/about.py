"""Help → About: version, what the app is, and the licences of what it ships and uses.

The datasets' attribution and licence texts are read from ``resources/datasets/README.md``
(their one source) and shown as Markdown. The project's home is shown only when the package
metadata names one.
"""

from __future__ import annotations

import html
from pathlib import Path
from importlib import resources

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
)

from dense_studio import __version__
from dense_studio.ui.help.browser import open_external
from dense_studio.ui.help.identity import app_icon
from dense_studio.ui.help.strings import fill, tr

__all__ = ["AboutDialog", "dataset_licences", "project_home"]

QT_SOURCE = "https://download.qt.io/official_releases/"
LGPL_URL = "https://www.gnu.org/licenses/lgpl-3.0.html"
_README_MAX_BYTES = 200_000


def dataset_licences() -> str:
    """The datasets' section of resources/datasets/README.md (Markdown), from Fashion-MNIST on."""
    try:
        path = resources.files("dense_studio.resources").joinpath("datasets", "README.md")
        text = path.read_bytes()[:_README_MAX_BYTES].decode("utf-8", errors="replace")
    except OSError:
        return ""
    start = text.find("## Fashion-MNIST")
    return text[start:] if start >= 0 else text


def project_home() -> str:
    """The project's URL from the installed package's metadata, or "" when it names none."""
    from importlib import metadata  # (here: with email's parsers it is 50 ms of launch)

    try:
        meta = metadata.metadata("dense-studio")
    except metadata.PackageNotFoundError:
        return ""
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository") and url.strip():
            return url.strip()
    home = meta.get("Home-page") or ""
    return home if home.startswith(("https://", "http://")) else ""


class _Text(QTextBrowser):
    def __init__(self, name: str, language: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(name)
        self.setOpenLinks(False)
        self.anchorClicked.connect(lambda url: open_external(self, url, language))


class AboutDialog(QDialog):
    """Version and licences, in ``language``."""

    def __init__(self, parent=None, *, language: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(tr("About Dense Studio", language))
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        heading = QLabel(
            f"<h2>Dense Studio</h2><p>{html.escape(fill(tr('Version %1', language), __version__))}</p>"
            f"<p>{html.escape(tr('A playground that shows what a Dense layer does: y = activation(W·x + b).', language))}</p>"
        )
        heading.setObjectName("aboutHeading")
        heading.setWordWrap(True)
        home = project_home()
        if home:
            link = fill(tr("Project home: %1", language),
                        f'<a href="{html.escape(home)}">{html.escape(home)}</a>')
            heading.setText(heading.text() + f"<p>{link}</p>")
            heading.setOpenExternalLinks(False)
            heading.linkActivated.connect(lambda url: open_external(self, QUrl(url), language))
        else:  # no public home yet: say where this copy lives, so it can be found and shared
            folder = html.escape(str(Path(__file__).resolve().parents[2]))
            heading.setText(heading.text() + "<p>" + fill(tr("Installed in: %1", language),
                                                         folder) + "</p>")
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(heading, 1)

        self.licences = _Text("aboutLicences", language)
        qt_text = fill(
            tr("The window uses Qt %1 through PySide6 %2 (Qt for Python), under the GNU Lesser General "
               "Public License version 3 (LGPL v3). Qt is © The Qt Company Ltd. and other contributors. "
               "PySide6 and Qt are separate libraries that Dense Studio loads at run time: you may "
               "replace them with your own build of the same version. Their source code is at %3.",
               language),
            qVersion(), PySide6.__version__, f'<a href="{QT_SOURCE}">{QT_SOURCE}</a>')
        self.licences.setHtml(
            f"<h3>Dense Studio</h3><p>{html.escape(tr('Dense Studio is free software under the MIT License.', language))}</p>"
            f"<h3>Qt / PySide6 (LGPL v3)</h3><p>{qt_text}</p>"
            f'<p><a href="{LGPL_URL}">{LGPL_URL}</a></p>'
        )
        self.datasets = _Text("aboutDatasets", language)
        self.datasets.setMarkdown(
            tr("The full licence texts of the datasets, as shipped in resources/datasets/README.md:",
               language) + "\n\n" + dataset_licences())
        tabs = QTabWidget()
        tabs.setObjectName("aboutTabs")
        tabs.addTab(self.licences, tr("Licences", language))
        tabs.addTab(self.datasets, tr("Bundled datasets", language))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close", language))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def text(self) -> str:
        """Everything the dialog says, as plain text (for tests and screen readers)."""
        heading = self.findChild(QLabel, "aboutHeading")
        return "\n".join([heading.text(), self.licences.toPlainText(), self.datasets.toPlainText()])
