"""The user guide: every page in both languages, every internal link and image working,
back/forward, the real menu shortcuts, and links out only after a yes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QImage, QKeySequence, QPixmap, QTextDocument
from PySide6.QtWidgets import QMainWindow

from dense_studio.ui.help.browser import HELP_LANGUAGES, PAGES, HelpBrowser, help_folder, page_path

LANGUAGES = list(HELP_LANGUAGES)


def links_and_images(document: QTextDocument) -> tuple[list[str], list[str]]:
    """Every link target and image name in the document Qt actually laid out."""
    links, images = [], []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                links.append(fmt.anchorHref())
            if fmt.isImageFormat():
                images.append(fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return links, images


def anchors(path: Path) -> set[str]:
    return set(re.findall(r'\b(?:id|name)="([^"]+)"', path.read_text(encoding="utf-8")))


@pytest.fixture
def browser(qtbot):
    widget = HelpBrowser(language="en")
    qtbot.addWidget(widget)
    return widget


def test_the_same_pages_exist_in_both_languages_with_the_same_anchors():
    for language in LANGUAGES:
        assert sorted(p.stem for p in help_folder(language).glob("*.html")) == sorted(PAGES)
    for page in PAGES:
        assert anchors(page_path("en", page)) == anchors(page_path("zh_TW", page)), page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_opens_with_working_links_and_images(qtbot, language):
    browser = HelpBrowser(language=language)
    qtbot.addWidget(browser)
    titles = [browser.contents.item(i).text() for i in range(browser.contents.count())]
    assert len(set(titles)) == len(PAGES) and all(titles)
    checked_links = 0
    for row, page in enumerate(PAGES):
        browser.open_page(page)
        assert browser.current_page() == page
        assert browser.contents.currentRow() == row
        document = browser.text.document()
        assert document.toPlainText().strip(), page
        assert document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) == titles[row]
        links, images = links_and_images(document)
        assert links, f"{page} links nowhere"
        for name in images:
            url = browser.text.source().resolved(QUrl(name))
            image = document.resource(QTextDocument.ResourceType.ImageResource.value, url)
            assert isinstance(image, (QImage, QPixmap)) and not image.isNull(), f"{page}: image {name}"
            assert image.width() >= 100, f"{page}: image {name} is {image.width()} px wide"
        for href in links:
            url = browser.text.source().resolved(QUrl(href))
            target = Path(url.toLocalFile())
            assert url.isLocalFile() and target.parent == help_folder(language), f"{page}: {href}"
            assert target.stem in PAGES, f"{page}: broken link {href}"
            if url.fragment():
                assert url.fragment() in anchors(target), f"{page}: missing anchor {href}"
            browser.text.anchorClicked.emit(QUrl(href))  # as a click would
            assert browser.current_page() == target.stem
            browser.open_page(page)
            checked_links += 1
    assert checked_links >= len(PAGES)


def test_the_guide_covers_the_formula_and_its_shapes(browser):
    browser.open_page("formula", "shapes")
    text = browser.text.toPlainText()
    for fact in ("y = activation(W·x + b)", "x·W + b", "784×128", "128×784", "128×10"):
        assert fact in text
    browser.set_language("zh_TW")
    assert browser.current_page() == "formula"
    assert "啟動函數" in browser.text.toPlainText() and "權重" in browser.text.toPlainText()
    assert browser.windowTitle() == "使用說明"


def test_back_and_forward(browser):
    assert not browser.backButton.isEnabled()
    browser.text.anchorClicked.emit(QUrl("network.html"))
    browser.text.anchorClicked.emit(QUrl("formula.html#keras"))
    assert browser.current_page() == "formula"
    assert browser.text.source().fragment() == "keras"
    browser.backButton.click()
    assert browser.current_page() == "network"
    assert browser.forwardButton.isEnabled()
    browser.forwardButton.click()
    assert browser.current_page() == "formula"
    browser.contents.setCurrentRow(PAGES.index("files"))
    assert browser.current_page() == "files"
    assert browser.backButton.shortcut() == QKeySequence("Alt+Left")
    assert browser.forwardButton.shortcut() == QKeySequence("Alt+Right")


def test_links_out_open_only_after_a_yes(qtbot, monkeypatch):
    opened, asked = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    answer = {"value": False}
    browser = HelpBrowser(language="en", confirm_external=lambda url: asked.append(url) or answer["value"])
    qtbot.addWidget(browser)
    browser.open_page("files")
    browser.text.anchorClicked.emit(QUrl("https://example.org/keras"))
    assert len(asked) == 1 and opened == [] and browser.current_page() == "files"
    answer["value"] = True
    browser.text.anchorClicked.emit(QUrl("https://example.org/keras"))
    assert opened == [QUrl("https://example.org/keras")]
    # A file outside the guide, or a scheme that is not the web's, opens nothing at all.
    for url in ("file:///etc/passwd", "../../datasets/README.md", "javascript:alert(1)"):
        browser.text.anchorClicked.emit(QUrl(url))
        assert browser.current_page() == "files"
    assert len(opened) == 1 and len(asked) == 2


def test_the_shortcuts_page_lists_the_real_menu_shortcuts(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    training = window.menuBar().addMenu("&Training")
    start = QAction("&Start training", window)
    start.setShortcut(QKeySequence("Ctrl+Return"))
    training.addAction(start)
    training.addAction(QAction("&Reset weights", window))
    browser = HelpBrowser(language="zh_TW", page="shortcuts", menus=window.menuBar())
    qtbot.addWidget(browser)
    text = browser.text.toPlainText()
    expected = QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText)
    assert "Training" in text and "Start training" in text and expected in text
    assert "Reset weights" in text and "（無）" in text and "選單快捷鍵" in text
    assert "menu-shortcuts" not in text


def blocks(document: QTextDocument) -> list[tuple[int, str]]:
    """(heading level, text) of every block; 0 for text that is not a heading."""
    found, block = [], document.begin()
    while block.isValid():
        found.append((block.blockFormat().headingLevel(), block.text().strip()))
        block = block.next()
    return found


def test_each_page_has_its_title_as_its_one_heading_and_no_english_in_chinese(qtbot):
    browser = HelpBrowser(language="en")
    qtbot.addWidget(browser)
    english: dict[str, set[str]] = {}
    for language in LANGUAGES:
        browser.set_language(language)
        for page in PAGES:
            browser.open_page(page)
            document = browser.text.document()
            found = blocks(document)
            title = document.metaInformation(QTextDocument.MetaInformation.DocumentTitle)
            assert [text for level, text in found if level == 1] == [title], (language, page)
            heading = document.begin()  # styled by the shared help.css
            assert heading.charFormat().foreground().color().name() == "#1f2a36", (language, page)
            texts = {text for level, text in found if len(text) >= 30}
            if language == "en":
                english[page] = texts
            else:  # only command lines may be the same in both languages
                same = {t for t in texts & english[page] if not t.startswith("dense-studio ")}
                assert not same, (page, same)
