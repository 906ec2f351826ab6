"""``keras.callbacks``: the ``Callback`` base, ``History``, ``EarlyStopping``,
``ProgbarLogger`` and ``LambdaCallback``, called as Keras 3's ``fit`` calls them.

``fit`` drives them from the engine's event generator (``Sequential.train``): a batch's
``on_train_batch_begin`` comes just before the engine computes it, ``on_train_batch_end``
with the ``BatchEnd`` event, ``on_epoch_end`` with the ``EpochEnd`` event (validation
included). ``model.stop_training = True`` in any of them stops the run as in Keras.
"""

from __future__ import annotations

import operator
import sys
import warnings

from dense_studio.engine.early_stopping import improves
from dense_studio.errors import ConfigError
from dense_studio.keras._unsupported import module_getattr
from dense_studio.keras.metrics import ACCURACY_NAMES
from dense_studio.keras.progbar import Progbar


class Callback:
    """Override any of the ``on_*`` methods; ``self.model`` is the model being trained and
    ``self.params`` is ``{"verbose", "epochs", "steps"}``."""

    def __init__(self) -> None:
        self.params = None
        self._model = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model) -> None:
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Keras's older name for ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """Keras's older name for ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class History(Callback):
    """What ``fit`` returns: ``history`` maps each log key to its per-epoch values,
    ``epoch`` lists the epochs run, ``params`` is ``fit``'s settings."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and Keras's progress line (added by ``fit`` when ``verbose``)."""

    def __init__(self) -> None:
        super().__init__()
        self.progbar = None
        self.verbose, self.epochs, self.target = 1, 1, None

    def set_params(self, params):
        super().set_params(params)
        self.verbose = 1 if params["verbose"] == "auto" else params["verbose"]
        self.epochs, self.target = params["epochs"], params["steps"]

    def on_epoch_begin(self, epoch, logs=None):
        self.progbar = Progbar(self.target, verbose=self.verbose)
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", file=sys.stdout, flush=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose == 1:
            self.progbar.update(batch + 1, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)


class LambdaCallback(Callback):
    """A callback from functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    _HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_train_begin", "on_train_end")

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **other_hooks):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **other_hooks)
        for name, function in given.items():
            if function is None:
                continue
            if not name.startswith("on_") or not hasattr(Callback, name):
                raise ConfigError(f"Unrecognized hook for LambdaCallback: {name}")
            setattr(self, name, function)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has stopped improving (Keras 3's rules: ``patience``
    epochs without an improvement of more than ``min_delta``; ``restore_best_weights``
    puts back the weights of the best epoch at the end)."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.monitor, self.mode, self.baseline = monitor, mode, baseline
        self.min_delta = abs(min_delta)
        self.patience, self.verbose = patience, verbose
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.monitor_op = None
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = self.best_weights = None

    def _set_monitor_op(self) -> None:
        name = self.monitor.removeprefix("val_")
        if self.mode == "min" or (self.mode == "auto" and name == "loss"):
            self.monitor_op = operator.lt
        elif self.mode == "max" or (self.mode == "auto" and name in self._metric_names()):
            self.monitor_op = operator.gt
        else:
            raise ConfigError(
                f"EarlyStopping callback received monitor={self.monitor}, but Keras isn't able "
                "to automatically determine whether that metric should be maximized or "
                "minimized. Pass `mode='max'` in order to monitor based on the highest metric "
                "value, or pass `mode='min'` in order to use the lowest value."
            )
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _metric_names(self):
        return getattr(self.model, "metric_names", ACCURACY_NAMES)

    def _is_improvement(self, value, reference) -> bool:
        mode = "min" if self.monitor_op is operator.lt else "max"
        return improves(value, reference, self.min_delta, mode)  # the engine's rule

    def on_train_begin(self, logs=None):
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs or {})}", stacklevel=2)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping", flush=True)
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.", flush=True)
            self.model.set_weights(self.best_weights)


class CallbackList:
    """The callbacks of one ``fit`` call: the user's, then ``History`` and (when verbose)
    ``ProgbarLogger`` unless given, as Keras adds them (``evaluate`` and ``predict`` show
    their line themselves: ``add_defaults=False``)."""

    def __init__(self, callbacks, model, params: dict, add_defaults: bool = True) -> None:
        if callbacks is None:
            callbacks = []
        if isinstance(callbacks, Callback) or not isinstance(callbacks, (list, tuple)):
            raise ConfigError(f"`callbacks` must be a list of Callback instances, not {callbacks!r}")
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise ConfigError(
                    f"callbacks must be keras.callbacks.Callback instances, not {callback!r}")
        self.callbacks = list(callbacks)
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self.history is None and add_defaults:
            self.history = History()
            self.callbacks.append(self.history)
        if add_defaults and params["verbose"] and not any(
                isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

    def __getattr__(self, hook: str):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        methods = [getattr(callback, hook) for callback in self.callbacks]

        def call_all(*args, **kwargs):
            for method in methods:
                method(*args, **kwargs)

        setattr(self, hook, call_all)  # looked up once per fit, not once per batch
        return call_all


__all__ = ["Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "ProgbarLogger"]
__getattr__ = module_getattr("keras.callbacks", __all__)
