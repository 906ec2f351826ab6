"""The help windows' own texts in Traditional Chinese (Taiwan), until they join the app's table.

Every text is written in English in the code and passed through :func:`tr` with the language
to show. ``tr`` asks Qt's installed translator first (context ``"Help"``), so once these
entries are merged into ``resources/i18n/zh_TW.json`` (as ``"Help|<English>"``) the table
wins and ``ZH_TW`` below can be deleted; until then ``ZH_TW`` is the translation.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

__all__ = ["tr", "fill", "ZH_TW", "CONTEXT"]

CONTEXT = "Help"

ZH_TW: dict[str, str] = {
    # Help browser
    "User guide": "使用說明",
    "Back": "上一頁",
    "Forward": "下一頁",
    "Home": "首頁",
    "Back (Alt+Left)": "上一頁（Alt+←）",
    "Forward (Alt+Right)": "下一頁（Alt+→）",
    "Back to the first page": "回到第一頁",
    "The pages of the user guide": "使用說明的各個頁面",
    "The selected page of the user guide": "使用說明目前選取的頁面",
    "Open in your web browser?": "要在網頁瀏覽器中開啟嗎？",
    "This link leaves Dense Studio and needs the internet:\n%1": "這個連結會離開 Dense Studio，而且需要網路：\n%1",
    "Menu shortcuts": "選單快捷鍵",
    # Shortcuts dialog
    "Keyboard Shortcuts": "鍵盤快捷鍵",
    "Action": "動作",
    "Shortcut": "快捷鍵",
    "(none)": "（無）",
    "Every menu command and its keyboard shortcut": "每個選單指令和它的鍵盤快捷鍵",
    "Close": "關閉",
    # First-run guide
    "Next": "下一步",
    "Done": "完成",
    "Skip guide": "略過導覽",
    "Show the previous step": "顯示上一步",
    "Show the next step": "顯示下一步",
    "Close the guide (Esc); Help → Show guide brings it back": "關閉導覽（Esc）；「說明 → 顯示導覽」可以再次開啟",
    "Step %1 of %2": "第 %1 步，共 %2 步",
    "Press Start training": "按下「開始訓練」",
    "Start trains the network on the training images. It runs in the background: you can "
    "keep using the window, pause or stop at any time.":
        "「開始訓練」會用訓練圖片訓練神經網路。訓練在背景進行：你可以繼續使用視窗，隨時暫停或停止。",
    "Watch the curves": "觀察曲線",
    "After every epoch the loss should fall and the accuracy rise. The dimmed lines are "
    "the previous run, to compare with.":
        "每訓練完一輪，損失應該下降、準確率應該上升。淡色的線是上一次的訓練，可以拿來比較。",
    "Draw": "畫畫看",
    "Draw a digit or a piece of clothing here, white on black. The bars show how sure the "
    "network is of each class.":
        "在這裡畫一個數字或一件衣物，黑底白色。長條圖顯示神經網路對每個類別有多確定。",
    "Look inside the network": "看看神經網路的內部",
    "These are the layers: each Dense layer computes y = activation(W·x + b). Change the "
    "units or the activation, add a layer, train again and compare.":
        "這些是神經網路的各層：每個 Dense 層計算 y = activation(W·x + b)。"
        "改變單元數或啟動函數、加一層，再訓練一次並比較結果。",
    # About
    "About Dense Studio": "關於 Dense Studio",
    "Version %1": "版本 %1",
    "A playground that shows what a Dense layer does: y = activation(W·x + b).":
        "一個展示 Dense 層在做什麼的練習場：y = activation(W·x + b)。",
    "Licences": "授權",
    "Dense Studio is free software under the MIT License.": "Dense Studio 是採用 MIT 授權的自由軟體。",
    "Bundled datasets": "內附的資料集",
    "The window uses Qt %1 through PySide6 %2 (Qt for Python), under the GNU Lesser General "
    "Public License version 3 (LGPL v3). Qt is © The Qt Company Ltd. and other contributors. "
    "PySide6 and Qt are separate libraries that Dense Studio loads at run time: you may "
    "replace them with your own build of the same version. Their source code is at %3.":
        "視窗使用 Qt %1，透過 PySide6 %2（Qt for Python），採用 GNU 寬通用公共授權條款第 3 版"
        "（LGPL v3）。Qt 版權屬於 The Qt Company Ltd. 及其他貢獻者。PySide6 與 Qt 是 Dense Studio "
        "執行時載入的獨立函式庫：你可以用自己建置的相同版本取代它們。原始碼位於 %3。",
    "The full licence texts of the datasets, as shipped in resources/datasets/README.md:":
        "資料集的完整授權條款，如 resources/datasets/README.md 所附：",
    "Project home: %1": "專案首頁：%1",
}


def tr(text: str, language: str) -> str:
    """``text`` in ``language`` ("en" or "zh_TW"): the app's table first, then ``ZH_TW``."""
    if language != "zh_TW":
        return text
    found = QCoreApplication.translate("Help", text)  # CONTEXT, literal for the extractor
    if found and found != text:
        return found
    return ZH_TW.get(text, text)


def fill(text: str, *args: object) -> str:
    """Qt's ``%1 %2 …`` placeholders filled in one pass (a value holding "%2" stays as is)."""
    return re.sub(r"%(\d)", lambda m: str(args[int(m.group(1)) - 1])
                  if 0 < int(m.group(1)) <= len(args) else m.group(0), text)
