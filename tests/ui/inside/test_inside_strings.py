"""Every text of the Inside views has its Traditional Chinese (Taiwan) form, and it is shown.

Their translations are ``"Inside|<English>"`` entries of resources/i18n/zh_TW.json; the
app's completeness test (tests/ui/test_i18n.py) sees every ``tr("…")`` / ``trf("…")`` of
these views through the extractor, which follows the imported wrapper. Here: that it really
does, that no Inside entry is left over, and that the Chinese is shown and follows a switch.
"""

import pytest
from i18n_strings import extract_ui
from test_i18n import _raw_table

from dense_studio.ui import i18n
from dense_studio.ui.inside import strings
from dense_studio.ui.inside.panel import InsidePanel

PREFIX = f"{strings.CONTEXT}|"
#: The Inside entries of the app's table, by English text.
ZH_TW = {key[len(PREFIX):]: text for key, text in _raw_table().items() if key.startswith(PREFIX)}


def inside_texts() -> set[str]:
    found, _problems = extract_ui()
    return {s.text for s in found if s.context == strings.CONTEXT}


def test_the_app_extractor_sees_every_inside_text_and_each_has_an_entry():
    texts = inside_texts()
    # The views' own module names them: tabs, the step-by-step view, the replay.
    assert {"Layer math", "What it sees", "4. Scaled", "Epoch %1 (latest)"} <= texts
    assert len(texts) > 100
    assert not sorted(texts - set(ZH_TW)), "add Inside|… entries to zh_TW.json"
    assert not sorted(set(ZH_TW) - texts), "Inside|… entries no view uses"


def test_tr_and_trf_use_the_app_table(qapp):
    i18n.apply_language(qapp, "zh_TW")
    try:
        assert strings.tr("What it sees") == ZH_TW["What it sees"]
        assert strings.trf("%1 × %2 px (× %3)", 20, 14, "0.1") == "20 × 14 像素（× 0.1）"
    finally:
        i18n.apply_language(qapp, "en")
    assert strings.tr("What it sees") == "What it sees"


@pytest.fixture
def chinese(qapp):
    i18n.apply_language(qapp, "zh_TW")
    yield
    i18n.apply_language(qapp, "en")


def test_the_panel_speaks_chinese_when_the_window_does(qtbot, session, chinese):
    panel = InsidePanel(session)
    qtbot.addWidget(panel)
    assert panel.tabs.tabText(0) == ZH_TW["Layer math"]
    assert "Keras" in panel.layer_math.note.text() and "W·x + b" in panel.layer_math.note.text()
    assert panel.confusion.class_names()[8] == "包包"  # the app's own table for class names
    panel.evaluator.wait()


def test_switching_the_language_retranslates_the_panel(qtbot, qapp, panel):
    assert panel.tabs.tabText(3) == "Test results"
    i18n.apply_language(qapp, "zh_TW")
    try:
        qtbot.waitUntil(lambda: panel.tabs.tabText(3) == ZH_TW["Test results"])
        assert panel.replay.caption.text().startswith(ZH_TW["Epoch %1 (latest)"][:2])
    finally:
        i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: panel.tabs.tabText(3) == "Test results")


def test_the_window_tab_and_the_test_result_speak_chinese(qtbot, settings, chinese):
    from ui_helpers import make_window

    window = make_window(qtbot, settings)
    tabs = window.centerTabs
    assert tabs.tabText(tabs.indexOf(window.insidePanel)) == ZH_TW["Inside the network"]
    window.epochsSpin.setValue(1)
    with qtbot.waitSignal(window.trainingEnded, timeout=30_000):
        assert window.start_training()
    label = window.centerTabs.testResult
    qtbot.waitUntil(lambda: "訓練 1 輪後" in label.text(), timeout=10_000)
    assert "準確率" in label.text()
    window.insidePanel.evaluator.wait()
