"""The Traditional Chinese (Taiwan) translation: complete, well-formed, and really shown.

Workshops in Taiwan run the window in zh_TW. These tests make a new ``self.tr("...")``
without a translation fail here (instead of showing English to a class), keep the
placeholders/markup/accelerators of every translation intact (a lost ``%1`` silently drops a
number from a status message), and check on real widgets that the translator is used.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from i18n_strings import (  # noqa: E402
    extract,
    extract_ui,
    has_accelerator,
    html_tags,
    placeholders,
)
from PySide6.QtCore import QCoreApplication, QLocale  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtWidgets import QLabel, QPushButton  # noqa: E402

from dense_studio.ui import i18n  # noqa: E402

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
JSON_PATH = I18N_DIR / "zh_TW.json"
EN_PATH = I18N_DIR / "en.json"  # English's plural forms, nothing else
# How many plural forms each language has (Qt's numerus forms): English one/other.
PLURAL_FORMS = {"en": 2, "zh_TW": 1}

# Translations that are rightly the same as the English: Keras layer names and the product.
KEPT_AS_IS = {"Dense", "Dropout", "+ Dense", "+ Dropout", "Dense Studio"}
# Simplified-only characters: a zh_TW text containing one was pasted from zh_CN.
SIMPLIFIED = set("们网络数据设练这个为时后过层权习机览图读开关闭显钮择输单验预测击删选项")
# Mainland (or Hong Kong) terms with a different usual word in Taiwan: theirs -> ours.
NOT_TAIWAN = {
    "網絡": "網路", "激活": "啟用", "優化器": "最佳化器", "數據": "資料", "默認": "預設",
    "文件": "檔案", "保存": "儲存", "打開": "開啟", "信息": "訊息", "菜單": "選單",
    "鼠標": "滑鼠", "內存": "記憶體", "批量": "批次", "概率": "機率", "圖像": "圖片",
}
FILE_GLOB = re.compile(r"\*\.[A-Za-z0-9]+")
SHORTCUT = re.compile(r"^(?:Ctrl|Shift|Alt|Meta)\+\S+$")


def _raw_table(path: Path = JSON_PATH) -> dict:
    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        duplicated = sorted(key for key, count in Counter(keys).items() if count > 1)
        assert not duplicated, f"keys given twice (the last one silently wins): {duplicated}"
        return dict(pairs)

    raw = path.read_bytes()
    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)


def _forms(value) -> list[str]:
    """A translation's texts: its plural forms, or the one text."""
    return value if isinstance(value, list) else [value]


def _entries(table: dict):
    """(key, text) for every text of the table, each plural form on its own."""
    return [(key, text) for key, value in table.items() for text in _forms(value)]


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    return _raw_table()


@pytest.fixture(scope="module")
def ui_strings():
    return extract_ui()


def _source_of(key: str, known_texts: set[str]) -> str:
    """The English text of a JSON key (``"Context|text"`` or plain ``"text"``)."""
    if key not in known_texts and "|" in key:
        context, text = key.split("|", 1)
        if context.isidentifier():
            return text
    return key


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&\s])", text.replace("&&", ""))
    return match.group(1).upper() if match else None


# ------------------------------------------------------------------ (c) the file itself
@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_json_is_a_flat_utf8_object_of_texts_or_plural_forms(language):
    path = I18N_DIR / f"{language}.json"
    raw = path.read_bytes()
    # load_table drops the whole file on any decoding error; keep the shipped file plain UTF-8.
    assert not raw.startswith(b"\xef\xbb\xbf"), f"save {path.name} without a BOM"
    raw.decode("utf-8")
    assert len(raw) < i18n._MAX_FILE_BYTES  # noqa: SLF001 (the loader's own limit)
    table = _raw_table(path)
    assert isinstance(table, dict) and table
    bad = {k: v for k, v in table.items() if not isinstance(k, str) or not (
        isinstance(v, str) or isinstance(v, list) and len(v) == PLURAL_FORMS[language]
        and all(isinstance(form, str) for form in v))}
    assert not bad, f"not a text or {PLURAL_FORMS[language]} plural forms: {bad}"
    assert not [k for k, v in table.items() if not all(f.strip() for f in _forms(v))], \
        "empty translations"
    # What the app loads is exactly the file: nothing filtered out on the way.
    assert i18n.load_table(language) == table


def test_plural_texts_have_plural_forms_and_no_other_text_has(table, ui_strings):
    """A ``tr(text, "", n)`` needs a list of forms in every language; English has its own
    table for just those (its other texts are the source texts themselves)."""
    strings = ui_strings[0]
    numerus = {s.text for s in strings if s.numerus}
    assert "Training finished: %n epoch(s)." in numerus  # the extractor sees the count
    english = _raw_table(EN_PATH)
    assert set(english) == numerus
    for text in numerus:
        assert isinstance(table.get(text), list), f"zh_TW needs plural forms for {text!r}"
        assert all("%n" in form for form in english[text] + table[text]), text
    plain = {s.text for s in strings if not s.numerus}
    assert not [t for t in plain if isinstance(table.get(t), list)]


def test_translations_are_traditional_chinese_as_used_in_taiwan(table):
    problems = []
    for key, text in _entries(table):
        if key in KEPT_AS_IS or SHORTCUT.match(key):
            continue
        if not re.search(r"[\u4e00-\u9fff]", text):
            problems.append(f"no Chinese at all: {key!r} -> {text!r}")
        if simplified := sorted(set(text) & SIMPLIFIED):
            problems.append(f"simplified characters {simplified}: {text!r}")
        for theirs, ours in NOT_TAIWAN.items():
            if theirs in text:
                problems.append(f"{theirs!r} is not Taiwan usage (use {ours!r}): {text!r}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ (a) completeness
def test_the_extractor_sees_every_kind_of_call(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        "FILTER = 'Images (*.png)'\n"
        "HELP = {'relu': 'ReLU help', 'tanh': 'Tanh help'}\n"
        "def _tr(text):\n"
        "    return QCoreApplication.translate('Editor', text)\n"
        "class Window:\n"
        "    def build(self, n, name):\n"
        "        self.tr('Plain')\n"
        "        self.tr('Epoch %1 of %2').replace('%1', str(n))\n"
        "        self.tr(FILTER)\n"
        "        _tr(HELP.get(name, name))\n"
        "        QCoreApplication.translate('Other', 'Explicit')\n"
        "        self.tr(f'Broken {n}')\n"
        "        self.tr('Also broken {0}'.format(n))\n"
        "        self.tr(name)\n"
        "        'text'.translate({})\n",
        encoding="utf-8",
    )
    strings, problems = extract([source])
    found = {(s.context, s.text) for s in strings}
    assert found == {
        ("Window", "Plain"),
        ("Window", "Epoch %1 of %2"),
        ("Window", "Images (*.png)"),
        ("Editor", "ReLU help"),
        ("Editor", "Tanh help"),
        ("Other", "Explicit"),
    }
    assert sorted((p.kind, p.line) for p in problems) == [
        ("dynamic", 15),
        ("f-string", 13),
        ("formatted-before-tr", 14),
    ]


def test_no_tr_call_in_the_window_is_untranslatable(ui_strings):
    """f-strings or text formatted before tr() can never match a translation."""
    _strings, problems = ui_strings
    assert not problems, "\n".join(map(str, problems))


def test_every_translatable_string_has_a_zh_tw_entry(ui_strings, table):
    strings, _problems = ui_strings
    assert len(strings) > 100  # the extractor really read the window's modules
    missing = sorted({
        f"{s.path}:{s.line}: {s.text!r}"
        for s in strings
        if s.key not in table and s.text not in table
    })
    assert not missing, "untranslated (add to resources/i18n/zh_TW.json):\n" + "\n".join(missing)


# ------------------------------------------------------------------ (b) form of each entry
def test_placeholders_markup_and_accelerators_survive(table, ui_strings):
    known = {s.text for s in ui_strings[0]}
    problems = []
    for key, text in _entries(table):
        source = _source_of(key, known)
        if placeholders(source) != placeholders(text):
            problems.append(
                f"placeholders {dict(placeholders(source))} -> {dict(placeholders(text))}: {key!r}"
            )
        if html_tags(source) != html_tags(text):
            problems.append(f"rich-text tags differ: {key!r} -> {text!r}")
        if has_accelerator(source) and not has_accelerator(text):
            problems.append(f"lost its &accelerator: {key!r} -> {text!r}")
        if sorted(FILE_GLOB.findall(source)) != sorted(FILE_GLOB.findall(text)):
            problems.append(f"file-dialog patterns differ: {key!r} -> {text!r}")
        if SHORTCUT.match(source) and QKeySequence(text) != QKeySequence(source):
            problems.append(f"a key sequence must stay a key sequence: {key!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_can_fail():
    assert placeholders("Epoch %1/%2: loss %3, accuracy %4 %") == Counter(
        {"%1": 1, "%2": 1, "%3": 1, "%4": 1}
    )
    assert placeholders("第 %2 輪 %1") == placeholders("Epoch %1 of %2")  # order may change
    assert placeholders("第 %1 輪") != placeholders("Epoch %1 of %2")
    assert placeholders("{0:.2f} and {name}") == Counter({"{0:.2f}": 1, "{name}": 1})
    assert placeholders("%s of %d, 100 % sure, Accuracy (%)") == Counter({"%s": 1, "%d": 1})
    assert has_accelerator("檔案(&F)")
    assert not has_accelerator("Q&&A") and not has_accelerator("檔案")
    assert html_tags("<b>x</b><br>") == Counter({"b": 1, "/b": 1, "br": 1})


def test_accelerators_of_one_window_do_not_clash(table, ui_strings):
    """Alt+letter must reach one control: the training panel's field labels and the menus."""
    texts = {s.text for s in ui_strings[0]}
    shared = [
        "&File", "&Edit", "&Training", "&Help",
        "&Dataset", "&Optimizer", "&Learning rate", "&Batch size", "&Epochs", "&Validation",
        "S&eed",
    ]
    letters = Counter(_mnemonic(table[t]) for t in shared if t in texts and t in table)
    assert len(letters) >= 8
    clashes = [letter for letter, n in letters.items() if n > 1]
    assert not clashes, f"Alt+{clashes} reaches more than one control: {dict(letters)}"


# ------------------------------------------------------------------ (d) real widgets
@pytest.fixture
def zh_tw(qapp):
    """The zh_TW translator on the running QApplication, removed again afterwards."""
    translator = i18n.install_translator(qapp, "zh_TW")
    assert translator is not None
    try:
        yield translator
    finally:
        i18n.remove_translator(qapp, translator)
        translator.setParent(None)


def test_qt_texts_class_names_and_glyphs_follow_the_language(zh_tw):
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert i18n.class_name_for_display("Ankle boot") == "短靴"
    assert i18n.class_name_for_display("7") == "7"
    assert QLocale().name() == "zh_TW"


def _english_now() -> bool:
    return QCoreApplication.translate("LayerEditor", "Output shape") == "Output shape"


def test_layer_editor_shows_chinese(qtbot, zh_tw, qapp):
    from dense_studio.ui.layer_editor import LayerEditor

    editor = LayerEditor()
    qtbot.addWidget(editor)
    labels = {label.text() for label in editor.findChildren(QLabel)}
    assert {"層", "輸出形狀", "參數數量"} <= labels
    buttons = {b.objectName(): b.text() for b in editor.findChildren(QPushButton)}
    assert buttons["removeLayerButton"] == "移除"
    assert buttons["moveLayerUpButton"] == "上移"
    add = editor.findChild(QPushButton, "addLayerButton")
    assert add.accessibleName() == "addLayerButton"  # an identifier, for automation
    assert add.accessibleDescription() == "新增 Dense 層"
    total = editor.findChild(QLabel, "totalParamsLabel").text()
    assert total.startswith("參數總數：<b>101,770</b>"), total
    assert editor.undo_action(editor).text() == "復原(&U)"
    row = editor.row_widget(0)
    assert row.title.text() == "Dense" and row.units_spin.suffix() == " 個單元"

    qapp.removeTranslator(zh_tw)  # the fixture's own clean-up also copes with this
    if _english_now():
        english = LayerEditor()
        qtbot.addWidget(english)
        assert english.findChild(QPushButton, "removeLayerButton").text() == "Remove"


def test_training_panel_and_chart_show_chinese(qtbot, zh_tw):
    from dense_studio.ui.prediction_chart import PredictionChart
    from dense_studio.ui.training_panel import TrainingPanel

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    buddies = {label.text() for label in panel.findChildren(QLabel) if label.buddy() is not None}
    assert {"資料集(&D)", "學習率(&L)", "批次大小(&B)", "隨機種子(&S)"} <= buddies
    assert panel.trainButton.text() == "開始訓練"
    assert panel.progressBar.format() == "尚未開始"

    chart = PredictionChart()
    qtbot.addWidget(chart)
    assert chart.accessibleName() == "predictionChart"  # an identifier, for automation
    assert chart.accessibleDescription() == "畫點東西，看看神經網路怎麼猜"


# ------------------------------------------------------------------ (e) the loader
@pytest.fixture
def fake_resources(tmp_path, monkeypatch):
    """Point load_table at a temporary resources folder; returns the zh_TW.json to write."""
    (tmp_path / "i18n").mkdir()
    monkeypatch.setattr(i18n, "resources", SimpleNamespace(files=lambda _package: tmp_path))
    return tmp_path / "i18n" / "zh_TW.json"


@pytest.mark.parametrize("content", ['["a", "b"]', '"text"', "42", "null", "{not json", ""])
def test_load_table_rejects_anything_but_an_object(fake_resources, content):
    fake_resources.write_text(content, encoding="utf-8")
    assert i18n.load_table("zh_TW") == {}


def test_load_table_keeps_only_nonempty_string_pairs(fake_resources):
    fake_resources.write_text(
        json.dumps({"Stop": "停止", "Pause": "", "Epochs": 5, "Nested": {"a": "b"}}),
        encoding="utf-8",
    )
    assert i18n.load_table("zh_TW") == {"Stop": "停止"}


def test_load_table_without_a_file_is_empty(fake_resources):
    assert not fake_resources.exists()
    assert i18n.load_table("zh_TW") == {}


def test_load_table_accepts_a_bom(fake_resources):
    """Windows Notepad saves UTF-8 with a BOM; the table must not silently vanish then."""
    fake_resources.write_bytes(b"\xef\xbb\xbf" + json.dumps({"Stop": "停止"}).encode("utf-8"))
    assert i18n.load_table("zh_TW") == {"Stop": "停止"}


@pytest.mark.parametrize("language", ["fr", "zh_CN", "xx", "", "../zh_TW"])
def test_unknown_language_has_no_table(language, qapp):
    assert i18n.load_table(language) == {}
    assert i18n.install_translator(qapp, language) is None


# ------------------------------------------------------------------ (f) messages
def test_fill_is_one_pass_as_qt_arg():
    from dense_studio.ui.messages import fill

    # A value is never searched again: a file named a%3.dsmodel stays itself.
    assert fill("Opened model %1 (%2, trained on %3).", "a%3.dsmodel", "128:relu", "MNIST") \
        == "Opened model a%3.dsmodel (128:relu, trained on MNIST)."
    assert fill("%2 before %1", "one", "two") == "two before one"
    assert fill("accuracy %1 %", "87.5") == "accuracy 87.5 %"  # a lone % stays
    assert fill("%1 and %2", "only one") == "only one and %2"


def test_plural_forms_in_english_and_chinese(qapp):
    text = "Training finished: %n epoch(s)."
    english = i18n.apply_language(qapp, "en")
    try:
        assert QCoreApplication.translate("TrainingController", text, None, 1) \
            == "Training finished: 1 epoch."
        assert QCoreApplication.translate("TrainingController", text, None, 5) \
            == "Training finished: 5 epochs."
        assert QCoreApplication.translate("TrainingController", text, None, 0) \
            == "Training finished: 0 epochs."
        both = i18n.apply_language(qapp, "zh_TW")
        assert [t.language for t in both] == ["en", "zh_TW"]
        assert QCoreApplication.translate("TrainingController", text, None, 1) == "訓練完成：共 1 輪。"
        assert QCoreApplication.translate("TrainingController", text, None, 7) == "訓練完成：共 7 輪。"
        assert QLocale().name() == "zh_TW"
    finally:
        english = i18n.apply_language(qapp, "en")  # back to what the test session runs in
    assert [t.language for t in english] == ["en"]
    assert QLocale().name() == QLocale.system().name()


def test_dense_studio_lang_chooses_the_language(qapp, monkeypatch):
    from dense_studio.ui import app as ui_app

    monkeypatch.setenv("DENSE_STUDIO_LANG", "zh_TW")
    assert ui_app.choose_language() == "zh_TW"
    assert i18n.choose_language(saved="en") == "zh_TW"  # the variable beats the saved choice
    monkeypatch.setenv("DENSE_STUDIO_LANG", "klingon")  # unknown: the saved choice wins
    assert i18n.choose_language(saved="zh_TW") == "zh_TW"
    assert i18n.choose_language(saved="en") == "en"
    monkeypatch.setenv("DENSE_STUDIO_LANG", "zh_TW")
    try:
        i18n.apply_language(qapp, ui_app.choose_language())  # what start-up does
        assert QCoreApplication.translate("TrainingPanel", "Start training") == "開始訓練"
    finally:
        i18n.apply_language(qapp, "en")
    assert QCoreApplication.translate("TrainingPanel", "Start training") == "Start training"


def test_no_widget_installs_a_translator(qtbot, qapp, monkeypatch, settings):
    """Translators belong to start-up and language switching, not to a constructor."""
    from PySide6.QtCore import QCoreApplication as App

    from dense_studio.ui import MainWindow

    installed = []
    monkeypatch.setattr(App, "installTranslator", lambda *args: installed.append(args))
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert installed == []


def test_no_chained_replace_under_ui():
    """Messages are filled by messages.fill in one pass, never by ``.replace(…).replace``."""
    import ast

    from i18n_strings import UI_DIR

    chained = []
    for path in UI_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "replace" and isinstance(node.func.value, ast.Call)
                    and isinstance(node.func.value.func, ast.Attribute)
                    and node.func.value.func.attr == "replace"):
                chained.append(f"{path.name}:{node.lineno}")
    assert chained == []
