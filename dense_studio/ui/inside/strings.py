"""The Inside views' texts in both languages, until they join ``resources/i18n/zh_TW.json``.

Every text goes through :func:`tr`: Qt's translators first (context ``Inside``, so a
``"Inside|text"`` or plain ``"text"`` entry in the app's table wins), then, while the
window's language is zh_TW, the fallback table :data:`ZH_TW` below. Placeholders are Qt's
``%1``…``%9`` (:func:`dense_studio.ui.messages.fill`). Merging: move ``ZH_TW``'s entries
into zh_TW.json (the keys are the English texts) and delete the table.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from dense_studio.ui import i18n
from dense_studio.ui.messages import fill

__all__ = ["tr", "trf", "language", "Retranslating", "ZH_TW"]


def tr(text: str) -> str:
    return _fallback(text, QCoreApplication.translate("Inside", text))


def trf(text: str, *args: object) -> str:
    """``tr(text)`` with ``%1``… filled in (Qt's arg semantics)."""
    return fill(_fallback(text, QCoreApplication.translate("Inside", text)), *args)


def _fallback(text: str, translated: str) -> str:
    if translated == text and language() == "zh_TW":
        return ZH_TW.get(text, text)
    return translated


class Retranslating:
    """Mixin for a widget (put it before QWidget): calls ``self.retranslate()`` when the
    application's language changes."""

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def language() -> str:
    """The language the app installed last (``i18n.apply_language``), else English."""
    app = QCoreApplication.instance()
    installed = i18n._installed.get(id(app), []) if app is not None else []  # noqa: SLF001
    return installed[-1].language if installed else "en"


ZH_TW: dict[str, str] = {
    "Back to every wrong prediction, most confident first": "回到所有預測錯誤的圖片，最有把握的排在前面",
    'The test images are evaluated when a model and its dataset are ready.':
        '模型和資料集都準備好之後，就會評估測試圖片。',
    'True class %1, predicted %2:\n%3 test images, %4 % of the %5 %1 images.\nClick to see them.':
        '正確類別 %1，預測為 %2：\n%3 張測試圖片，占 %5 張「%1」圖片的 %4 %。\n按一下即可查看。',
    '%1: %2 of %3 test images predicted right.':
        '%1：%3 張測試圖片中有 %2 張預測正確。',
    'predicted class →':
        '預測類別 →',
    'true class →':
        '正確類別 →',
    'right':
        '正確率',
    'Evaluating the test images…':
        '正在評估測試圖片…',
    'Accuracy: the share of test images whose most probable class is the true one. Loss: the average cross-entropy, lower is better; training minimises it.':
        '準確率：機率最高的類別就是正確答案的測試圖片所占的比例。損失：平均交叉熵，越低越好；訓練就是在把它降到最低。',
    'Each row is a true class, each column what the network predicted. The diagonal counts the right answers; any other cell is one kind of mistake.':
        '每一列是一個正確類別，每一行是神經網路的預測。對角線是答對的數量；其他每一格都是一種錯誤。',
    ' after %1 epochs':
        '，訓練 %1 輪後',
    '<b>Test accuracy %1 %</b> · loss %2 · on %3 test images the network never trained on%4':
        '<b>測試準確率 %1 %</b> · 損失 %2 · 使用 %3 張從未用來訓練的測試圖片%4',
    'unit %1':
        '單元 %1',
    'unit %1 (%2)':
        '單元 %1（%2）',
    'Keras writes a Dense layer with the input as a row: <b>z = x·W + b</b>, where the kernel W has one row per input and one column per unit (n × m). Textbooks write the input as a column: <b>z = W·x + b</b>, with W as m × n, the same matrix turned on its side. The numbers are the same.':
        'Keras 把 Dense 層的輸入寫成一個列向量：<b>z = x·W + b</b>，其中權重矩陣 W 每個輸入一列、每個單元一行（n × m）。教科書把輸入寫成行向量：<b>z = W·x + b</b>，這時 W 是 m × n，也就是同一個矩陣轉置過來。算出來的數字完全相同。',
    'Both forms compute the same thing: for each unit, multiply every input by its weight, add them up, add the bias.':
        '兩種寫法算的是同一件事：對每個單元，把每個輸入乘上它的權重、全部加起來，再加上偏差。',
    'x: the numbers coming into this layer. For the first layer these are the 784 pixels of the image (0 = dark, 1 = bright).':
        'x：送進這一層的數字。第一層的 x 就是圖片的 784 個像素（0 = 暗，1 = 亮）。',
    'W, the kernel: one weight for every input and unit. Orange weights push a unit up when their input is large, blue ones push it down.':
        'W，權重矩陣（kernel）：每個輸入對每個單元各有一個權重。輸入大的時候，橘色的權重會把單元往上推，藍色的會往下拉。',
    'b, the bias: a number each unit adds, whatever the input.':
        'b，偏差：不管輸入是什麼，每個單元都會加上的一個數字。',
    "z = x·W + b: each unit's weighted sum of its inputs plus its bias, before the activation.":
        'z = x·W + b：每個單元把輸入乘上權重後的總和，再加上偏差；這是套用啟用函數之前的值。',
    'a = activation(z): what each unit passes on to the next layer. In the last layer these are the class probabilities.':
        'a = 啟用函數(z)：每個單元傳給下一層的值。最後一層的 a 就是各類別的機率。',
    "z[%1] = %2: the weighted sum of %3's inputs plus its bias":
        'z[%1] = %2：%3 的輸入加權總和再加上偏差',
    'a[%1] = %2(%3) = %4: what %5 passes on':
        'a[%1] = %2(%3) = %4：%5 傳出去的值',
    'No model yet.':
        '還沒有模型。',
    'Draw on the canvas or pick a test image: every number below is then computed for it.':
        '在畫布上畫圖或挑一張測試圖片：下面每個數字都會針對它計算出來。',
    '✓ right':
        '✓ 正確',
    '✗ wrong':
        '✗ 錯誤',
    'Test image #%1 — true class: <b>%2</b> — the network says <b>%3</b> (%4 %) <b><font color="%5">%6</font></b>':
        '測試圖片 #%1 — 正確類別：<b>%2</b> — 神經網路認為是 <b>%3</b>（%4 %）<b><font color="%5">%6</font></b>',
    'The input on the canvas — the network says <b>%1</b> (%2 %)':
        '畫布上的輸入 — 神經網路認為是 <b>%1</b>（%2 %）',
    'Layer %1: %2, %3 units, %4':
        '第 %1 層：%2，%3 個單元，%4',
    'W[%1, %2] = %3: the weight from %4 into %5':
        'W[%1, %2] = %3：從%4進入%5的權重',
    'b[%1] = %2: the bias of %3':
        'b[%1] = %2：%3 的偏差',
    "Test image #%1 %2\ntrue class: %3\nthe network's top three:\n%4\nClick to put it on the canvas.":
        '測試圖片 #%1 %2\n正確類別：%3\n神經網路的前三名：\n%4\n按一下即可放到畫布上。',
    'Show all mistakes':
        '顯示所有錯誤',
    'Mistakes on the test images appear here once they are evaluated.':
        '測試圖片評估完成後，錯誤會列在這裡。',
    "Each image with the network's confidence in its answer. Hover for its top three classes; click to put it on the canvas.":
        '每張圖片附上神經網路對答案的信心。滑鼠移上去可以看前三名類別；按一下即可放到畫布上。',
    '(the first %1 of %2)':
        '（%2 張中的前 %1 張）',
    '<b>Most confident mistakes</b>: %1 wrong predictions, surest first%2. The frame is vermillion for wrong, green for right.':
        '<b>最有把握的錯誤</b>：%1 個錯誤預測，最有把握的排在前面%2。朱紅色外框代表錯誤，綠色代表正確。',
    '<b>True %1, predicted %2</b>: %3 test images, most confident first%4.':
        '<b>正確類別 %1，預測為 %2</b>：%3 張測試圖片，最有把握的排在前面%4。',
    'unit %1 of layer %2':
        '第 %2 層的單元 %1',
    'input\n%1 pixels':
        '輸入\n%1 個像素',
    'weight %1\nfrom %2\nto unit %3 of layer %4':
        '權重 %1\n從%2\n到第 %4 層的單元 %3',
    'bias b = %1':
        '偏差 b = %1',
    "Each circle is a unit, each line a weight: orange lines are positive weights, blue ones negative, thicker lines larger ones. The units' colour is their activation for the current input. Hover a line or a unit for its numbers.":
        '每個圓圈是一個單元，每條線是一個權重：橘色的線是正的權重，藍色是負的，線越粗代表權重越大。單元的顏色是它對目前輸入的啟用值。把滑鼠移到線或單元上可以看數字。',
    'activation a = %1':
        '啟用值 a = %1',
    '+%1 more':
        '還有 %1 個',
    'input x = %1':
        '輸入 x = %1',
    'Layer math':
        '每層的計算',
    'Weight images':
        '權重圖',
    'Network diagram':
        '網路圖',
    'Test results':
        '測試結果',
    'Every Dense layer as the computation it does, for the input on the canvas.':
        '每個 Dense 層對畫布上的輸入所做的計算。',
    "What the first layer learned: each unit's weights as an image.":
        '第一層學到了什麼：把每個單元的權重畫成圖片。',
    'The whole network: units, and connections coloured by their weights.':
        '整個神經網路：單元，以及依權重上色的連線。',
    'How well the network does on the test images, and where it goes wrong.':
        '神經網路在測試圖片上的表現，以及它錯在哪裡。',
    'epochs kept for the replay: %1 (%2 of the %3 budget)':
        '為重播保留的訓練輪數：%1（%2，上限 %3）',
    'Replay the training: move back to see the weight images, the diagram and the test results as they were after that epoch. At the right end it follows training live.':
        '重播訓練過程：往回拖曳，可以看到那一輪結束時的權重圖、網路圖和測試結果。拖到最右邊時會即時跟著訓練更新。',
    'The weights after each epoch are kept in memory for the replay, up to this budget.':
        '每一輪結束時的權重都會保留在記憶體中供重播使用，最多用到這個上限。',
    '(every other epoch let go to stay within it)':
        '（為了不超過上限，每隔一輪捨棄一輪）',
    'Epoch %1 (latest)':
        '第 %1 輪（最新）',
    'Epoch %1 (replay)':
        '第 %1 輪（重播）',
    'pixel (row %1, column %2)':
        '像素（第 %1 列，第 %2 行）',
    'input %1':
        '輸入 %1',
    'Unit %1 of layer %2':
        '第 %2 層的單元 %1',
    '%1: class %2':
        '%1：類別 %2',
    'weight %1 from %2':
        '來自%2的權重 %1',
    '%1: weight %2 × input %3 = %4':
        '%1：權重 %2 × 輸入 %3 = %4',
    'Incoming weights':
        '輸入權重',
    'Weight × input':
        '權重 × 輸入',
    'The weights into this unit. For the first layer they are drawn where their pixels are: orange pixels raise the unit when bright, blue ones lower it.':
        '進入這個單元的權重。第一層的權重畫在對應像素的位置：橘色像素變亮時會讓單元變大，藍色的會讓它變小。',
    "Each weight times its input, for the current image. They add up (with the bias) to the unit's z.":
        '目前圖片的每個權重乘上它的輸入。全部加起來（再加上偏差）就是這個單元的 z。',
    'negative':
        '負',
    'positive':
        '正',
    'Click a unit (a column of W, or its b, z or a) to see what drives it.':
        '按一下一個單元（W 的一行，或它的 b、z、a），看看是什麼在驅動它。',
    'Pushes it up most (weight × input):':
        '往上推最多的（權重 × 輸入）：',
    'Pushes it down most:':
        '往下拉最多的：',
    'Draw or pick an image to see z and a.':
        '畫一張圖或挑一張圖片，就能看到 z 和 a。',
    '(none)':
        '（沒有）',
    'z = Σ weight × input + b = %1 + %2 = <b>%3</b>':
        'z = Σ 權重 × 輸入 + b = %1 + %2 = <b>%3</b>',
    '%1 — weight from pixel (row %2, column %3): %4':
        '%1 — 來自像素（第 %2 列，第 %3 行）的權重：%4',
    'class %1':
        '類別 %1',
    "No hidden layer: each image is one class's template. Bright (inked) pixels on orange raise that class's score, on blue they lower it. Click one to see its numbers.":
        '沒有隱藏層：每張圖就是一個類別的樣板。落在橘色上的亮（有筆畫的）像素會提高那個類別的分數，落在藍色上則會降低。按一下可以看它的數字。',
    'Each image is one unit of the first Dense layer: its 784 incoming weights, drawn where their pixels are. Orange raises the unit when that pixel is bright, blue lowers it. Click one to see its numbers.':
        '每張圖是第一個 Dense 層的一個單元：它的 784 個輸入權重，畫在對應像素的位置。那個像素變亮時，橘色會讓單元變大，藍色會讓它變小。按一下可以看它的數字。',
    'The colour scale, the same for every image and symmetric around 0: white is a weight of 0.':
        '色階：每張圖都相同，並以 0 為中心對稱：白色代表權重為 0。',
    'lowers the unit':
        '讓單元變小',
    'raises the unit':
        '讓單元變大',
    '+%1 more (make the panel larger to see them)':
        '還有 %1 個（把面板放大就能看到）',
    'Test set: evaluated once a model and its dataset are ready.':
        '測試集：模型和資料集都準備好之後就會評估。',
    'untrained':
        '尚未訓練',
    'after 1 epoch':
        '訓練 1 輪後',
    'after %1 epochs':
        '訓練 %1 輪後',
    'Test set: <b>accuracy %1 %</b> · loss %2 · %3':
        '測試集：<b>準確率 %1 %</b> · 損失 %2 · %3',
    'The newest weights on the %1 test images, which training never uses.':
        '最新的權重在 %1 張測試圖片上的表現；訓練從不使用這些圖片。',
    'Inside the network':
        '神經網路內部',
    "Look inside the network: each layer's computation for the input on the canvas, the weights as images, the network as a diagram, and the test results.":
        '看看神經網路內部：每一層對畫布上輸入的計算、畫成圖片的權重、網路圖，以及測試結果。',
}
