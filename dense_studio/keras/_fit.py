"""``fit``'s loop: the engine's training events in, Keras's callbacks out.

The engine's ``train()`` yields ``BatchEnd`` after each batch, ``EpochEnd`` after each epoch
(validation included) and ``TrainingEnd`` last. Keras calls ``on_train_batch_begin`` before a
batch is computed: here that is just before asking the generator for the batch's event, so
the order of every hook is Keras's. ``model.stop_training`` stops the engine through its
``TrainingControl`` at the next batch.
"""

from __future__ import annotations

import warnings

from dense_studio.engine import BatchEnd, EpochEnd


def drive_callbacks(model, events, callbacks, control, epoch: int, epochs: int, validation) -> None:
    """Run ``events`` to the end from epoch ``epoch`` (0-based) of ``epochs``."""
    logs: dict = {}
    last_batch = None
    in_epoch = False

    def begin_epoch() -> None:
        nonlocal in_epoch
        in_epoch = True
        callbacks.on_epoch_begin(epoch)
        callbacks.on_train_batch_begin(0)

    if epoch < epochs:
        begin_epoch()
    end = None
    for event in events:
        if type(event) is BatchEnd:
            last_batch = event
            logs = model.keras_logs(event.loss, event.accuracy)
            callbacks.on_train_batch_end(event.batch - 1, logs)
            if model.stop_training:
                control.stop()
            elif event.batch < event.batches:
                callbacks.on_train_batch_begin(event.batch)
        elif type(event) is EpochEnd:
            in_epoch = False
            logs = model.keras_logs(event.loss, event.accuracy, event.val_loss, event.val_accuracy)
            callbacks.on_epoch_end(epoch, logs)
            epoch += 1
            if model.stop_training:
                control.stop()
            elif epoch < epochs:
                begin_epoch()
        else:
            end = event
    if end is not None and end.status == "stopped" and in_epoch:
        # Stopped from a batch callback: Keras still ends that epoch, with its logs.
        if validation is not None:
            result = model.evaluate_arrays(*validation)
            logs = model.keras_logs(last_batch.loss, last_batch.accuracy, result["loss"],
                              result["accuracy"])
        callbacks.on_epoch_end(epoch, logs)
    if end is not None and end.status == "diverged":
        model.stop_training = True
        warnings.warn(end.message, RuntimeWarning, stacklevel=3)  # the script line that called fit
    callbacks.on_train_end(logs)

