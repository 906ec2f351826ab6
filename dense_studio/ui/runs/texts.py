"""How the window writes a run: its name, network, epochs and status, in one place.

Epochs are counted one way everywhere: epochs *of the run*, from 1, whole epochs done out of
the run's epochs ("3/40"). A run stopped inside its epoch 4 has done 3: "Stopped in epoch
4/40 (3 done)", the same numbers the progress bar showed ("Epoch 4/40"). The best epoch of
early stopping is counted from 1 too (as the command line's epoch lines and its JSON).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from dense_studio.engine.spec import DenseSpec
from dense_studio.ui.messages import fill

__all__ = ["run_label", "network_text", "epochs_text", "status_text", "stopped_text"]


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Runs", text, None, n)


def run_label(record, current_dataset: str | None = None, title=lambda name: name) -> str:
    """"Run 3" (or its name), with its dataset when that is not ``current_dataset``."""
    label = record.name or fill(_tr("Run %1"), record.id)
    if current_dataset is not None and record.config.dataset != current_dataset:
        label = f"{label} · {title(record.config.dataset)}"  # the same in every language
    return label


def network_text(layers) -> str:
    """The hidden layers in short form: "128 relu → drop 0.2 → 64 tanh"."""
    parts = [f"{layer.units} {layer.activation}" if isinstance(layer, DenseSpec)
             else fill(_tr("drop %1"), f"{layer.rate:g}") for layer in layers]
    return " → ".join(parts) if parts else _tr("no hidden layer")


def epochs_text(record) -> str:
    """Whole epochs done of the run's epochs: "5/5", "3/40"."""
    return f"{len(record.epochs)}/{record.config.epochs}"


def status_text(record) -> str:
    names = {"running": _tr("running"), "finished": _tr("finished"), "stopped": _tr("stopped"),
             "diverged": _tr("diverged"), "failed": _tr("failed")}
    text = names.get(record.status, record.status)
    best = record.best_epoch
    if record.metrics.get("stopped_early"):
        text = fill(_tr("stopped early, best epoch %1"), best + 1)
    elif best is not None:
        text = fill(_tr("%1, best epoch %2"), text, best + 1)
    return text


def stopped_text(record) -> str:
    """The end of a stopped run in the epoch convention above (for the progress bar)."""
    done = len(record.epochs)
    return fill(_tr("Stopped in epoch %1/%2 (%3 done)"), min(done + 1, record.config.epochs),
                record.config.epochs, done)
