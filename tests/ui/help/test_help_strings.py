"""Every text the help windows show has its Traditional Chinese (Taiwan) in the app's table
(``"Help|<English>"`` entries of resources/i18n/zh_TW.json), and the Chinese pages and strings
use Taiwan's words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from i18n_strings import placeholders
from test_i18n import NOT_TAIWAN, SIMPLIFIED

import dense_studio.ui.help as help_package
from dense_studio.ui.help.browser import help_folder
from dense_studio.ui.help.guide import FIRST_RUN_STEPS
from dense_studio.ui.help.strings import CONTEXT, fill, tr
from dense_studio.ui.i18n import load_table

HELP_DIR = Path(help_package.__file__).resolve().parent
PREFIX = f"{CONTEXT}|"
#: The help's entries of the app's table, by English text.
ZH_TW = {key[len(PREFIX):]: text for key, text in load_table("zh_TW").items()
         if key.startswith(PREFIX)}


def tr_calls() -> list[tuple[str, int, ast.AST]]:
    found = []
    for path in sorted(HELP_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
                found.append((path.name, node.lineno, node.args[0]))
    return found


def shown_texts() -> set[str]:
    texts = {arg.value for _file, _line, arg in tr_calls()
             if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return texts | {s.title for s in FIRST_RUN_STEPS} | {s.text for s in FIRST_RUN_STEPS}


def test_every_text_is_literal_and_translated():
    dynamic = [(f, line, ast.unparse(arg)) for f, line, arg in tr_calls()
               if not isinstance(arg, ast.Constant)]
    # The guide's steps are the only texts looked up by value; they are checked below.
    assert [(f, text) for f, _line, text in dynamic] == [("guide.py", "step.title"),
                                                          ("guide.py", "step.text")]
    missing = sorted(shown_texts() - set(ZH_TW))
    assert not missing, missing
    unused = sorted(set(ZH_TW) - shown_texts())
    assert not unused, unused


@pytest.mark.parametrize("english", sorted(ZH_TW))
def test_translations_keep_placeholders(english):
    assert placeholders(ZH_TW[english]) == placeholders(english)


def test_chinese_uses_taiwan_words():
    texts = {f"zh_TW.json: {k}": v for k, v in ZH_TW.items()}
    for page in help_folder("zh_TW").glob("*.html"):
        texts[page.name] = page.read_text(encoding="utf-8")
    for where, text in texts.items():
        simplified = sorted(set(text) & SIMPLIFIED)
        assert not simplified, f"{where}: simplified characters {simplified}"
        for theirs, ours in NOT_TAIWAN.items():
            assert theirs not in text, f"{where}: {theirs!r}, in Taiwan {ours!r}"


def test_tr_asks_the_installed_table_first(qapp):
    from dense_studio.ui.i18n import JsonTranslator

    assert tr("Next", "en") == "Next"
    assert tr("Next", "zh_TW") == "下一步"  # from the table, with no translator installed
    assert tr("Not a help text", "zh_TW") == "Not a help text"
    merged = JsonTranslator({"Help|Next": "繼續"})
    qapp.installTranslator(merged)
    try:
        assert tr("Next", "zh_TW") == "繼續"
        assert tr("Next", "en") == "Next"
    finally:
        qapp.removeTranslator(merged)


def test_fill_is_one_pass():
    assert fill("Step %1 of %2", 3, 4) == "Step 3 of 4"
    assert fill("%1 and %2", "a%2", "b") == "a%2 and b"
