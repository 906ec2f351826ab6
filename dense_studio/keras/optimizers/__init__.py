"""``keras.optimizers``: the engine's SGD, Adam and RMSprop (Keras 3's formulas and
defaults) with Keras 3's signatures. Keras's further options (weight decay, clipping, EMA,
AMSGrad, centered RMSprop...) are accepted at their defaults and refused by name otherwise.
"""

from __future__ import annotations

from dense_studio.engine import optimizers as _engine
from dense_studio.errors import ConfigError
from dense_studio.keras._unsupported import module_getattr, not_available, refuse_unsupported
from dense_studio.keras.optimizers import schedules  # noqa: F401  (keras.optimizers.schedules)

Optimizer = _engine.Optimizer

# Options of every Keras 3 optimizer that Dense Studio leaves at their defaults.
_COMMON_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}


def _refuse(where: str, options: dict, **own) -> None:
    """Refuse unknown arguments as Keras does, and Keras's options we lack (the common ones
    in ``options``; the optimizer's ``own`` as ``name=(value, default)``) unless at default."""
    unknown = {k: v for k, v in options.items() if k not in _COMMON_DEFAULTS and k != "name"}
    if unknown:
        raise ConfigError(f"Argument(s) not recognized: {unknown}")
    refuse_unsupported(where, **own, **{k: (v, _COMMON_DEFAULTS[k]) for k, v in options.items()
                                        if k != "name"})


class SGD(_engine.SGD):
    """``keras.optimizers.SGD`` (learning rate 0.01; momentum and Nesterov optional)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **options):
        _refuse("SGD", options)
        super().__init__(learning_rate, momentum, nesterov)


class Adam(_engine.Adam):
    """``keras.optimizers.Adam`` (learning rate 0.001)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **options):
        _refuse("Adam", options, amsgrad=(amsgrad, False))
        super().__init__(learning_rate, beta_1, beta_2, epsilon)


class RMSprop(_engine.RMSprop):
    """``keras.optimizers.RMSprop`` (learning rate 0.001), Keras 3's default in ``compile``."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **options):
        _refuse("RMSprop", options, centered=(centered, False))
        super().__init__(learning_rate, rho, momentum, epsilon)


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}
# Keras 3 optimizers Dense Studio does not have, so that their names get a clear answer.
_KERAS_ONLY = ("adadelta", "adafactor", "adagrad", "adamax", "adamw", "ftrl", "lamb", "lion",
               "loss_scale_optimizer", "muon", "nadam")


def get(identifier) -> Optimizer:
    """The optimizer of ``compile(optimizer=...)``: a name (Keras's defaults) or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    key = identifier.lower() if isinstance(identifier, str) else None
    if key in _BY_NAME:
        return _BY_NAME[key]()
    if key in _KERAS_ONLY:
        raise not_available(f"the optimizer {identifier!r}", "it has 'sgd', 'adam' and 'rmsprop'")
    raise ConfigError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = ["Adam", "Optimizer", "RMSprop", "SGD", "get", "schedules"]
__getattr__ = module_getattr("keras.optimizers", __all__, package=__name__)
