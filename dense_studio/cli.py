"""The ``dense-studio`` command: the window, or headless train / evaluate / predict / export.

This module must stay light: ``dense-studio --help`` has to answer in well under half a
second, so nothing heavy (numpy, Qt, tensorflow-datasets, the engine) is imported at module
level; each subcommand imports what it needs when it runs.

Exit codes: 0 success; 2 bad input (bad argument, unknown dataset, unusable model file or
image: one line ``error: ...`` on stderr); 1 a diverged training run or an internal error;
130 interrupted with Ctrl+C, 143 by SIGTERM, 129 by SIGHUP (a ``train --output`` run stopped
so saves the weights of its last finished epoch first). No traceback ever reaches the user
(set ``DENSE_STUDIO_DEBUG=1`` to see one when reporting a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from dense_studio import __version__
from dense_studio.errors import DenseStudioError, one_line

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_SIGNAL_BASE = 128  # killed by signal N: exit 128 + N, as shells report it



class _EngineNames:
    """An option's choices straight from the engine's registry (``spec.NAME``), looked up
    only when argparse needs them -- to check a value or to print ``train --help`` -- so
    that ``dense-studio --help`` and the window's start import no numpy for them."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _names(self) -> tuple:
        from dense_studio.engine import spec

        return tuple(getattr(spec, self._name))

    def __iter__(self):
        return iter(self._names())

    def __contains__(self, value) -> bool:
        return value in self._names()


OPTIMIZER_CHOICES = _EngineNames("OPTIMIZERS")
LR_SCHEDULE_CHOICES = _EngineNames("LR_SCHEDULES")
MONITOR_CHOICES = _EngineNames("MONITORS")


class UsageError(DenseStudioError):
    """A command-line usage mistake found by argparse."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one ``error:`` line instead of exiting."""

    def error(self, message: str):  # type: ignore[override]
        if message.endswith("expected one argument"):
            message += "; for a value that starts with '-', write it as --option=VALUE"
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dense-studio",
        description="Dense Studio: see what a Dense layer does. Without a command, opens the "
        "window; 'dense-studio LESSON.dslesson' opens it on a lesson.",
        epilog="Exit codes: 0 ok, 1 training diverged or internal error, 2 bad input, "
        "130 interrupted (129 SIGHUP, 143 SIGTERM).",
    )
    parser.add_argument("--version", action="version", version=f"dense-studio {__version__}")
    from dense_studio.desktop.launcher import add_launcher_arguments  # standard library only

    add_launcher_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = commands.add_parser(
        "train",
        help="train a model on a dataset and report test accuracy",
        description="Train Flatten -> hidden layers -> Dense(classes, softmax) and evaluate it "
        "on the test split. Defaults are the reference model (128:relu, adam 0.001, batch 32, "
        "5 epochs on Fashion-MNIST); --preset picks another recipe and explicit options "
        "override it.",
    )
    train.add_argument("--preset", metavar="NAME", help="start from a named recipe (e.g. reference)")
    train.add_argument(
        "--dataset", metavar="NAME",
        help="fashion_mnist (default), mnist, tfds:NAME (needs TensorFlow) or folder:PATH "
        "(a folder of images, one sub-folder per class)",
    )
    train.add_argument(
        "--layers", metavar="SPEC",
        help="hidden layers, e.g. 128:relu,dropout:0.2,64:tanh ('' for none); "
        "the output Dense(classes, softmax) is added",
    )
    train.add_argument("--epochs", type=int, metavar="N", help="passes over the training data (5)")
    train.add_argument("--batch-size", type=int, metavar="N", help="samples per step (32)")
    train.add_argument("--optimizer", choices=OPTIMIZER_CHOICES, metavar="NAME",
                       help="%(choices)s (default adam)")
    train.add_argument("--learning-rate", type=float, metavar="LR", help="step size (0.001)")
    train.add_argument(
        "--lr-schedule", choices=LR_SCHEDULE_CHOICES, metavar="SCHEDULE",
        help="%(choices)s; cosine (default): decay the learning rate to 0 over the run, or constant",
    )
    train.add_argument(
        "--validation-split", type=float, metavar="F",
        help="hold out this fraction of the training data (the last samples, as Keras) "
        "and report val_loss/val_accuracy (0)",
    )
    train.add_argument(
        "--early-stopping", type=int, metavar="PATIENCE",
        help="stop after PATIENCE epochs in which the monitored validation metric did not "
        "improve, and keep the best epoch's weights (Keras's EarlyStopping; needs "
        "--validation-split)",
    )
    train.add_argument("--monitor", choices=MONITOR_CHOICES, metavar="METRIC",
                       help="%(choices)s: what --early-stopping watches (default val_loss)")
    train.add_argument(
        "--min-delta", type=float, metavar="D",
        help="with --early-stopping: the smallest change that counts as an improvement (0)",
    )
    train.add_argument("--seed", type=int, metavar="N", help="seed for weights and shuffling (0)")
    train.add_argument(
        "--output", "-o", metavar="MODEL",
        help="save the trained model (.dsmodel); an interrupted run saves its finished "
        "epochs, a diverged run never replaces an existing file (it saves NAME.diverged.dsmodel)",
    )
    train.add_argument("--json", action="store_true", help="one JSON object per line on stdout")

    evaluate = commands.add_parser(
        "evaluate", help="test accuracy of a saved model",
        description="Evaluate a saved model on the test split of the dataset it was trained on.",
    )
    evaluate.add_argument("model", metavar="MODEL", help="a .dsmodel file")
    evaluate.add_argument("--json", action="store_true", help="print {test_loss, test_accuracy}")

    predict = commands.add_parser(
        "predict", help="classify image files with a saved model",
        description="Preprocess each image like the drawing canvas does and print its top "
        "class and all class probabilities. A blank image gets no prediction.",
    )
    predict.add_argument("model", metavar="MODEL", help="a .dsmodel file")
    predict.add_argument("images", metavar="IMAGE", nargs="+", help="PNG, JPEG, ... files")
    predict.add_argument("--json", action="store_true", help="one JSON object per image")

    export = commands.add_parser(
        "export-keras", help="write a tf.keras script that rebuilds the model",
        description="Write OUT.py (a readable tf.keras script) and OUT.weights.npz beside it. "
        "Running the script (TensorFlow needed) evaluates the model on the bundled test split.",
    )
    export.add_argument("model", metavar="MODEL", help="a .dsmodel file")
    export.add_argument("out", metavar="OUT.py", help="the script to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (never raises, never prints a traceback)."""
    try:
        argv, lesson = _lesson_argument(sys.argv[1:] if argv is None else list(argv))
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help and --version
            return done.code if isinstance(done.code, int) else EXIT_OK
        args.lesson = lesson
        if lesson is not None and args.command is not None:
            raise UsageError(f"a lesson opens the window; it cannot go with '{args.command}'")
        if args.install_launcher or args.uninstall_launcher:
            from dense_studio.desktop.launcher import run_launcher_command

            return run_launcher_command(args.install_launcher, args.force)
        handler = {
            None: _run_window, "train": _run_train, "evaluate": _run_evaluate,
            "predict": _run_predict, "export-keras": _run_export,
        }[args.command]
        return handler(args)
    except KeyboardInterrupt:
        _clear_progress()
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_FAILED
    except DenseStudioError as error:
        _clear_progress()
        _error(str(error))
        return EXIT_FAILED if type(error).__name__ == "TrainingDiverged" else EXIT_BAD_INPUT
    except MemoryError:
        _clear_progress()
        _error("out of memory")
        return EXIT_FAILED
    except Exception as error:  # a bug: still one line, but say it is ours
        if os.environ.get("DENSE_STUDIO_DEBUG"):
            raise
        _clear_progress()
        _error(f"internal error: {one_line(error)} (set DENSE_STUDIO_DEBUG=1 for details)")
        return EXIT_FAILED


# --------------------------------------------------------------------------- window


def _lesson_argument(argv: list[str]) -> tuple[list[str], str | None]:
    """``dense-studio LESSON.dslesson``: the first argument that is not an option, if it
    names a lesson file, taken out of ``argv`` (the rest is parsed as usual)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if not arg.startswith("-"):
            if arg.lower().endswith(".dslesson"):
                return argv[:i] + argv[i + 1:], arg
            break
    return argv, None


def _run_window(args: argparse.Namespace) -> int:
    lesson = getattr(args, "lesson", None)
    if lesson is not None:  # checked before any window: a bad file is one line, exit 2
        from dense_studio.files.lesson_file import read_lesson

        read_lesson(lesson)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        _error("no display to open the window on (DISPLAY is not set); "
               "see 'dense-studio --help' for the commands that need none")
        return EXIT_FAILED
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from dense_studio.ui import MainWindow
        from dense_studio.ui.app import prepare_application

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "dense-studio"])
        prepare_application(app)  # names, then the language's translators, before any widget
        window = MainWindow()
        window.show()
        if lesson is not None:
            window.open_lesson(lesson)
    except DenseStudioError:
        raise
    except Exception as error:
        if os.environ.get("DENSE_STUDIO_DEBUG"):
            raise
        _error(f"cannot start the window: {one_line(error)}")
        return EXIT_FAILED

    # Ctrl+C in the terminal: close the window properly (it stops training and saves its
    # settings) instead of being ignored while Qt's loop runs. Python only runs its signal
    # handlers between bytecodes, so a timer gives it a chance every 200 ms.
    import signal

    interrupted = []

    def on_interrupt(signum, frame):
        interrupted.append(signum)
        window.close()
        app.quit()

    try:
        previous = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        previous = None
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    try:
        code = int(app.exec())
    finally:
        heartbeat.stop()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        _error("interrupted")
        return EXIT_INTERRUPTED
    return code


# --------------------------------------------------------------------------- train


def _training_config(args: argparse.Namespace):
    """Preset (or the reference defaults), overridden by the options given explicitly."""
    from dense_studio.engine.spec import TrainingConfig, parse_layers
    from dense_studio.errors import ConfigError

    if args.preset is not None:
        from dense_studio.engine import PRESETS

        if args.preset not in PRESETS:
            raise ConfigError(
                f"unknown preset {args.preset!r} (choose from {', '.join(sorted(PRESETS))})"
            )
        config = PRESETS[args.preset]
    else:
        config = TrainingConfig()
    changes = {
        "epochs": args.epochs, "batch_size": args.batch_size, "optimizer": args.optimizer,
        "learning_rate": args.learning_rate, "validation_split": args.validation_split,
        "seed": args.seed, "lr_schedule": args.lr_schedule,
        **_early_stopping_options(args),
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    _check_early_stopping_options(args, config.replace(
        validation_split=changes.get("validation_split", config.validation_split)))
    if args.layers is not None:
        try:
            changes["layers"] = parse_layers(args.layers)
        except ConfigError as error:
            raise ConfigError(f"--layers: {error}") from None
    if args.dataset is not None:
        from dense_studio.data import normalize_dataset_name

        changes["dataset"] = normalize_dataset_name(args.dataset)
    return config.replace(**changes)


def _early_stopping_options(args: argparse.Namespace) -> dict:
    """The config keys of the early-stopping options (absent from a namespace built by hand)."""
    return {"early_stopping_patience": getattr(args, "early_stopping", None),
            "monitor": getattr(args, "monitor", None),
            "min_delta": getattr(args, "min_delta", None)}


def _check_early_stopping_options(args: argparse.Namespace, config) -> None:
    """The early-stopping options as usage errors (one line), before anything is loaded."""
    options = _early_stopping_options(args)
    if options["early_stopping_patience"] is None:
        for flag, key in (("--monitor", "monitor"), ("--min-delta", "min_delta")):
            if options[key] is not None:
                raise UsageError(f"{flag} needs --early-stopping PATIENCE (see "
                                 "'dense-studio train --help')")
        return
    if config.validation_split == 0:
        raise UsageError("--early-stopping needs --validation-split F (it watches "
                         "validation metrics; see 'dense-studio train --help')")


def _run_train(args: argparse.Namespace) -> int:
    config = _training_config(args)
    output = _Destination(args.output) if args.output is not None else None
    out = _Output(json_mode=args.json)

    from dense_studio.data import load_dataset
    from dense_studio.engine import TrainingControl, fast
    from dense_studio.engine.run import prepare_run

    fast.preload()  # the kernels load while the data are read
    dataset = load_dataset(config.dataset)
    if output is not None:  # before the model is even built: it may be too big to save
        output.check_savable(config, dataset)
    run = prepare_run(config, dataset.x_train, dataset.y_train, num_classes=dataset.num_classes)
    model = run.model

    out.text(_train_header(run, dataset))
    out.text(model.summary())
    # Signals stay caught until the model is saved: a run stopped by one keeps its finished
    # epochs, and a save is never cut short (no half-written temporary left behind).
    control = TrainingControl()
    with _StopOnSignals(control) as signals:
        end, finished_weights, metrics = _train(run, control, out, keep_weights=output is not None)
        if signals.received is not None:
            return _interrupted(signals.received, end, config, model, finished_weights, output,
                                dataset, metrics)
        code = _finish(end, model, config, dataset, output, out, metrics)
        if signals.received is not None:
            from signal import Signals

            _error(f"interrupted ({Signals(signals.received).name}) after the run had finished")
            return EXIT_SIGNAL_BASE + signals.received
        return code


def _train(run, control, out, keep_weights: bool):
    """Run the training loop; ``(TrainingEnd, weights after the last finished epoch or None,
    metrics)``."""
    import numpy as np

    from dense_studio.engine import BatchEnd, EpochEnd, TrainingEnd

    progress = _Progress(enabled=_is_tty(sys.stderr))
    end = finished_weights = None
    started = time.perf_counter()
    # A diverging run overflows before the engine notices the non-finite loss; numpy's
    # RuntimeWarnings would only add noise lines to the one clear message below.
    with np.errstate(all="ignore"):
        for event in run.train(control=control):
            if isinstance(event, BatchEnd):
                progress.batch(event)
            elif isinstance(event, EpochEnd):
                progress.clear()
                out.epoch(event)
                if keep_weights:
                    finished_weights = run.model.get_weights()
            elif isinstance(event, TrainingEnd):
                end = event
    progress.clear()
    train_seconds = time.perf_counter() - started
    if end is None:  # the engine promises a TrainingEnd; do not trust it blindly
        raise RuntimeError("training ended without a result")

    history = end.history or {}
    metrics: dict[str, float | int | None] = {
        "epochs_done": int(end.epochs_done), "train_seconds": round(train_seconds, 3),
    }
    # The metrics describe the weights the model ends with: the best epoch's when early
    # stopping put them back.
    config = run.config
    at = -1
    if end.best_epoch is not None and config.restore_best_weights and end.status != "diverged":
        at = end.best_epoch
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        values = history.get(key) or []
        if values and np.isfinite(values[at]):
            metrics[key] = float(values[at])
    if config.early_stopping_patience is not None:
        metrics["best_epoch"] = None if end.best_epoch is None else int(end.best_epoch) + 1
    return end, finished_weights, metrics


def _finish(end, model, config, dataset, output, out, metrics) -> int:
    """After training: evaluate and save a finished run; save a diverged one aside."""
    if end.status == "diverged":
        if output is not None:
            path = output.for_diverged_run()
            _save(model, path, config, dataset, metrics)
            kept = f" ({output.path} is left as it was)" if path != output.path else ""
            out.note(f"Saved the last good weights to {path}{kept}")
        _error(one_line(end.message or "training diverged"))
        return EXIT_FAILED
    if end.status != "finished":
        _error(f"training {end.status}: {one_line(end.message or '')}")
        return EXIT_FAILED

    if config.early_stopping_patience is not None:
        out.early_stopping(end, config)
    result = model.evaluate(dataset.x_test, dataset.y_test)
    metrics["test_loss"] = float(result["loss"])
    metrics["test_accuracy"] = float(result["accuracy"])
    best = None if end.best_epoch is None else int(end.best_epoch) + 1
    # best_epoch: counted from 1 like the "epoch" lines (null without early stopping)
    out.result(metrics["test_loss"], metrics["test_accuracy"], dataset, len(dataset.x_test),
               json_extra={"best_epoch": best, "stopped_early": bool(end.stopped_early)})
    if output is not None:
        _save(model, output.path, config, dataset, metrics)
        out.note(f"Saved model to {output.path}")
    return EXIT_OK


def _interrupted(signum, end, config, model, finished_weights, output, dataset, metrics) -> int:
    """Stopped by a signal: keep the finished epochs (like a stopped run in the window)."""
    import signal

    what = f"interrupted ({signal.Signals(signum).name})"
    done = int(end.epochs_done)
    if output is None or finished_weights is None or done == 0:
        _error(f"{what} after {done} of {config.epochs} epochs; nothing saved")
    else:
        model.set_weights(finished_weights)
        _save(model, output.path, config, dataset, metrics)
        _error(f"{what} after {done} of {config.epochs} epochs; saved the weights of "
               f"epoch {done} to {output.path}")
    return EXIT_SIGNAL_BASE + signum


class _Destination:
    """Where ``--output`` saves, checked before training: a diverged run never replaces an
    existing file, it goes beside it as ``NAME.diverged.dsmodel`` (or ``-2``, ``-3``...)."""

    DIVERGED = ".diverged"

    def __init__(self, path: str) -> None:
        from dense_studio.files.model_file import check_writable

        self.path = check_writable(path, extra_name_bytes=len(self.DIVERGED) + 4)

    def check_savable(self, config, dataset) -> None:
        from dense_studio.files.model_file import check_savable

        check_savable(config, dataset.name, dataset.class_names, dataset.input_shape)

    def for_diverged_run(self):
        if not self.path.exists():
            return self.path
        stem, suffix = self.path.stem, self.path.suffix
        for number in range(1, 1000):
            tag = self.DIVERGED if number == 1 else f"{self.DIVERGED}-{number}"
            candidate = self.path.with_name(f"{stem}{tag}{suffix}")
            if not candidate.exists():
                return candidate
        from dense_studio.errors import ModelFileError

        raise ModelFileError(f"cannot save the diverged run beside {self.path}: too many copies")


class _StopOnSignals:
    """During training, Ctrl+C (SIGINT), SIGTERM and SIGHUP stop the run after the current
    batch, so its finished epochs can be saved; a second signal interrupts at once."""

    def __init__(self, control) -> None:
        self.control = control
        self.received: int | None = None
        self._previous: dict = {}

    def __enter__(self) -> "_StopOnSignals":
        import signal

        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                self._previous[number] = signal.signal(number, self._handle)
            except ValueError:  # not the main thread (embedded use): leave signals alone
                break
        return self

    def _handle(self, signum, frame) -> None:
        if self.received is not None:
            raise KeyboardInterrupt
        self.received = signum
        self.control.stop()

    def __exit__(self, *exc) -> None:
        import signal

        for number, previous in self._previous.items():
            signal.signal(number, previous)


def _save(model, path, config, dataset, metrics) -> None:
    from dense_studio.files.model_file import save_model

    save_model(
        model, path, config, dataset.name, list(dataset.class_names), metrics,
        input_shape=tuple(dataset.input_shape),
    )


def _train_header(run, dataset) -> str:
    from dense_studio.engine.spec import format_layers

    config = run.config
    val = f", {run.held_out:,} held out for validation" if run.held_out else ""
    schedule = "" if config.lr_schedule == "constant" else f" ({config.lr_schedule} decay)"
    from dense_studio.data.folder import skipped_note

    return (
        f"Training on {dataset.title}: {len(run.x_train):,} images{val}{skipped_note(dataset)}.\n"
        f"Hidden layers: {format_layers(config.layers) or '(none)'}; {config.optimizer} "
        f"learning rate {config.learning_rate:g}{schedule}, batch size {config.batch_size}, "
        f"{config.epochs} epoch(s), seed {config.seed}."
    )


# --------------------------------------------------------------------------- evaluate


def _load_for_data(path: str):
    """Load a model and the dataset it was trained on, checking that they fit."""
    from dense_studio.data import load_dataset
    from dense_studio.files.model_file import load_model

    loaded = load_model(path)
    dataset = load_dataset(loaded.dataset_name)
    _check_fits(loaded, tuple(dataset.input_shape), dataset.num_classes, dataset.title)
    return loaded, dataset


def _check_fits(loaded, input_shape: tuple, num_classes: int, what: str) -> None:
    from dense_studio.errors import ModelFileError

    if tuple(loaded.input_shape) != tuple(input_shape):
        raise ModelFileError(
            f"{loaded.path}: the model expects {_dims(loaded.input_shape)} images but "
            f"{what} has {_dims(input_shape)}"
        )
    if num_classes is not None and loaded.num_classes != num_classes:
        raise ModelFileError(
            f"{loaded.path}: the model has {loaded.num_classes} classes but {what} has {num_classes}"
        )


def _run_evaluate(args: argparse.Namespace) -> int:
    loaded, dataset = _load_for_data(args.model)
    result = loaded.model.evaluate(dataset.x_test, dataset.y_test)
    out = _Output(json_mode=args.json)
    out.result(float(result["loss"]), float(result["accuracy"]), dataset, len(dataset.x_test))
    return EXIT_OK


# --------------------------------------------------------------------------- predict


def _run_predict(args: argparse.Namespace) -> int:
    import numpy as np

    from dense_studio.data import preprocess, read_image, style_for
    from dense_studio.files.model_file import load_model

    loaded = load_model(args.model)
    _check_fits(loaded, (28, 28), None, "images prepared for prediction")
    style = style_for(loaded.dataset_name)
    # Read everything first: one unreadable image fails the command before any output.
    inputs = [preprocess(read_image(path), style=style) for path in args.images]
    batch = [x for x in inputs if x is not None]
    probabilities = (
        loaded.model.predict(np.stack(batch).astype(np.float32)) if batch else np.empty((0, 0))
    )
    out = _Output(json_mode=args.json)
    row = 0
    for path, x in zip(args.images, inputs):
        if x is None:
            out.prediction(path, None, None, loaded.class_names)
            continue
        p = probabilities[row]
        row += 1
        index = int(np.argmax(p))
        out.prediction(path, index, [float(v) for v in p], loaded.class_names)
    return EXIT_OK


# --------------------------------------------------------------------------- export


def _run_export(args: argparse.Namespace) -> int:
    from dense_studio.files.keras_export import export_keras
    from dense_studio.files.model_file import load_model

    loaded = load_model(args.model)
    script, weights = export_keras(loaded, args.out)
    print(f"Wrote {script} and {weights}.")
    print(f"Run it with TensorFlow installed: python {script}")
    return EXIT_OK


# --------------------------------------------------------------------------- output


class _Output:
    """Human-readable text, or exactly one JSON object per line with --json."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode

    def _json(self, obj: dict) -> None:
        import json

        print(json.dumps(obj, allow_nan=False), flush=True)

    def text(self, message: str) -> None:
        if not self.json_mode:
            print(message, flush=True)

    def note(self, message: str) -> None:
        # With --json, stdout holds only JSON, so remarks go to stderr.
        print(message, file=sys.stderr if self.json_mode else sys.stdout, flush=True)

    def epoch(self, e) -> None:
        if self.json_mode:
            obj = {"epoch": int(e.epoch) + 1, "loss": e.loss, "accuracy": e.accuracy}
            if e.val_loss is not None:
                obj["val_loss"] = e.val_loss
                obj["val_accuracy"] = e.val_accuracy
            obj["seconds"] = e.seconds
            obj["samples_per_second"] = e.samples_per_second
            self._json({k: v if k == "epoch" else _num(v) for k, v in obj.items()})
            return
        width = len(str(e.epochs))
        val = ""
        if e.val_loss is not None:
            val = f"  val_loss {e.val_loss:.4f}  val_accuracy {100 * e.val_accuracy:.2f} %"
        print(
            f"Epoch {e.epoch + 1:>{width}}/{e.epochs}  loss {e.loss:.4f}  "
            f"accuracy {100 * e.accuracy:.2f} %{val}  {e.seconds:.1f} s  "
            f"{e.samples_per_second:,.0f} samples/s",
            flush=True,
        )

    def early_stopping(self, end, config) -> None:
        """Text only (the JSON gives it in the last line): when it stopped, which epoch won."""
        if end.best_epoch is None:
            return
        best = end.best_epoch + 1
        value = end.history[config.monitor][end.best_epoch]
        shown = f"{value:.4f}" if config.monitor == "val_loss" else f"{100 * value:.2f} %"
        when = (f"Stopped early after epoch {end.epochs_done}: {config.monitor} did not "
                f"improve for {config.early_stopping_patience} epoch(s)." if end.stopped_early
                else f"Early stopping did not trigger in {end.epochs_done} epochs.")
        kept = " (its weights are kept)" if config.restore_best_weights else ""
        self.text(f"{when} Best epoch {best}: {config.monitor} {shown}{kept}.")

    def result(self, loss: float, accuracy: float, dataset, n: int,
               json_extra: dict | None = None) -> None:
        if self.json_mode:
            self._json({"test_loss": _num(loss), "test_accuracy": _num(accuracy),
                        **(json_extra or {})})
        else:
            print(
                f"Test accuracy {100 * accuracy:.2f} % (loss {loss:.4f}) on the "
                f"{n:,} {dataset.title} test images",
                flush=True,
            )

    def prediction(self, image: str, index, probabilities, class_names) -> None:
        if self.json_mode:
            self._json({
                "image": image,
                "label": None if index is None else class_names[index],
                "index": index,
                "probabilities": probabilities,
            })
            return
        if index is None:
            print(f"{image}: empty image, no prediction", flush=True)
            return
        print(f"{image}: {class_names[index]} ({100 * probabilities[index]:.1f} %)")
        width = max(len(name) for name in class_names)
        for i, (name, p) in enumerate(zip(class_names, probabilities)):
            bar = "#" * round(30 * p)
            mark = "<" if i == index else " "
            print(f"  {name:<{width}} {100 * p:5.1f} % {mark} {bar}".rstrip())
        sys.stdout.flush()


class _Progress:
    """A single self-overwriting progress line on a terminal's stderr, at most ~10 per second."""

    active: "_Progress | None" = None

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def batch(self, b) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and b.batch != b.batches:
            return
        self.last = now
        import shutil

        columns = shutil.get_terminal_size((80, 20)).columns
        head = f"Epoch {b.epoch + 1}/{b.epochs} "
        tail = (
            f" {b.batch}/{b.batches}  loss {b.loss:.4f}  acc {100 * b.accuracy:.1f}%  "
            f"{b.samples_per_second:,.0f}/s"
        )
        width = max(0, min(30, columns - 1 - len(head) - len(tail) - 2))
        done = round(width * b.batch / max(1, b.batches))
        bar = f"[{'=' * done}{'.' * (width - done)}]" if width >= 5 else ""
        line = head + bar + tail
        sys.stderr.write("\r" + line[: columns - 1] + "\x1b[K")
        sys.stderr.flush()
        self.shown = True
        _Progress.active = self

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False
        _Progress.active = None


def _clear_progress() -> None:
    if _Progress.active is not None:
        try:
            _Progress.active.clear()
        except Exception:
            pass


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def _num(value):
    """A plain float for JSON; None for a non-finite value (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def _dims(shape) -> str:
    return "x".join(str(int(n)) for n in shape)


def _error(message: str) -> None:
    try:
        print(f"error: {one_line(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover - `python -m dense_studio` is the usual way
    raise SystemExit(main())
