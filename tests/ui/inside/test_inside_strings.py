"""Every text of the Inside views has its Traditional Chinese (Taiwan) form, and it is shown.

The app's own completeness test reads ``resources/i18n/zh_TW.json``; the Inside views keep
their table in ``dense_studio/ui/inside/strings.py`` until it is merged there, so this test
does the same checks for it: every ``tr("…")`` / ``trf("…")`` literal has an entry, with the
same placeholders, in Chinese, in Taiwan usage.
"""

import ast
import re
from pathlib import Path

import pytest
from i18n_strings import html_tags, placeholders
from test_i18n import NOT_TAIWAN, SIMPLIFIED

from dense_studio.ui import i18n
from dense_studio.ui.inside import strings
from dense_studio.ui.inside.panel import InsidePanel

INSIDE = Path(strings.__file__).resolve().parent


def inside_texts():
    found, problems = [], []
    for path in sorted(INSIDE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("tr", "trf") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((f"{path.name}:{node.lineno}", arg.value))
                else:
                    problems.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)}")
    return found, problems


def test_every_text_has_a_well_formed_zh_tw_entry():
    found, problems = inside_texts()
    assert len(found) > 60 and not problems, problems
    missing = sorted({f"{where}: {text!r}" for where, text in found if text not in strings.ZH_TW})
    assert not missing, "add to strings.ZH_TW:\n" + "\n".join(missing)
    unused = set(strings.ZH_TW) - {text for _where, text in found}
    assert not unused, f"entries no view uses: {sorted(unused)}"
    for english, chinese in strings.ZH_TW.items():
        assert placeholders(english) == placeholders(chinese), english
        assert html_tags(english) == html_tags(chinese), english
        assert re.search(r"[\u4e00-\u9fff]", chinese), english
        assert not set(chinese) & SIMPLIFIED, chinese
        assert not [theirs for theirs in NOT_TAIWAN if theirs in chinese], chinese


@pytest.fixture
def chinese(qapp):
    i18n.apply_language(qapp, "zh_TW")
    yield
    i18n.apply_language(qapp, "en")


def test_the_panel_speaks_chinese_when_the_window_does(qtbot, session, chinese):
    panel = InsidePanel(session)
    qtbot.addWidget(panel)
    assert panel.tabs.tabText(0) == strings.ZH_TW["Layer math"]
    assert "Keras" in panel.layer_math.note.text() and "W·x + b" in panel.layer_math.note.text()
    assert panel.confusion.class_names()[8] == "包包"  # the app's own table for class names
    panel.evaluator.wait()


def test_switching_the_language_retranslates_the_panel(qtbot, qapp, panel):
    assert panel.tabs.tabText(3) == "Test results"
    i18n.apply_language(qapp, "zh_TW")
    try:
        qtbot.waitUntil(lambda: panel.tabs.tabText(3) == strings.ZH_TW["Test results"])
        assert panel.replay.caption.text().startswith(strings.ZH_TW["Epoch %1 (latest)"][:2])
    finally:
        i18n.apply_language(qapp, "en")
    qtbot.waitUntil(lambda: panel.tabs.tabText(3) == "Test results")


def test_the_window_tab_and_the_test_result_speak_chinese(qtbot, settings, chinese):
    from ui_helpers import make_window

    window = make_window(qtbot, settings)
    tabs = window.centerTabs
    assert tabs.tabText(tabs.indexOf(window.insidePanel)) == strings.ZH_TW["Inside the network"]
    window.epochsSpin.setValue(1)
    with qtbot.waitSignal(window.trainingEnded, timeout=30_000):
        assert window.start_training()
    label = window.centerTabs.testResult
    qtbot.waitUntil(lambda: "訓練 1 輪後" in label.text(), timeout=10_000)
    assert "準確率" in label.text()
    window.insidePanel.evaluator.wait()
