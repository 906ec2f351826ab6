"""The runs' metrics as CSV: one row per epoch of each run, with the run's settings."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dense_studio.engine.spec import format_layers
from dense_studio.files.atomic import atomic_write

__all__ = ["write_runs_csv", "CSV_COLUMNS"]

CSV_COLUMNS = ("run", "name", "dataset", "layers", "optimizer", "learning_rate", "lr_schedule",
               "batch_size", "epochs", "seed", "validation_split", "status", "seconds",
               "best_epoch", "test_loss", "test_accuracy", "epoch", "loss", "accuracy",
               "val_loss", "val_accuracy")


def write_runs_csv(records, path) -> Path:
    """Write the CSV atomically; epochs and the best epoch counted from 1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        config, metrics = record.config, record.metrics
        best = record.best_epoch
        run = (record.id, record.label, config.dataset, format_layers(config.layers),
               config.optimizer, config.learning_rate, config.lr_schedule, config.batch_size,
               config.epochs, config.seed, config.validation_split, record.status,
               round(record.seconds, 3), "" if best is None else best + 1,
               metrics.get("test_loss", ""), metrics.get("test_accuracy", ""))
        for e in record.epochs:
            writer.writerow(run + (e.epoch + 1, e.loss, e.accuracy,
                                   "" if e.val_loss is None else e.val_loss,
                                   "" if e.val_accuracy is None else e.val_accuracy))
    path = Path(path)
    data = out.getvalue().encode("utf-8")
    atomic_write(path, lambda f: f.write(data))
    return path
