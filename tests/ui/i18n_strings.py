"""Find every text the window asks Qt to translate, by reading the source with ``ast``.

Qt's own ``lupdate`` does this for .ts files; Dense Studio keeps its translations as JSON
(see ``dense_studio/ui/i18n.py``), so the test suite needs its own small extractor to check
that ``resources/i18n/zh_TW.json`` covers every string — a new ``self.tr("...")`` without a
translation then fails a test instead of quietly showing English to a Chinese workshop.

What counts as a translated string:

* ``self.tr("text")`` (and ``Klass.tr("text")``) — the context is the enclosing class;
* ``QCoreApplication.translate("Context", "text")`` — the context is the first argument;
* calls to a module-level wrapper ``def _tr(text): return QCoreApplication.translate("Ctx", text)``,
  in its own module or imported from another (``from dense_studio.ui.inside.strings import tr``;
  an imported wrapper's non-literal arguments, such as class names, are its own module's
  business and are not reported);
* a text argument that is a module-level constant (``self.tr(MODEL_FILTER)``) or a lookup in
  a module-level dict/tuple (``_tr(_HELP.get(name, name))``): all of its strings are taken.

Anything else is reported as a :class:`TrProblem`: f-strings (translated *after* formatting,
so no table can ever match them), text built with ``%``/``+``/``.format`` before ``tr()``,
and arguments the extractor cannot see through.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import dense_studio.ui

UI_DIR = Path(dense_studio.ui.__file__).resolve().parent

__all__ = [
    "UI_DIR",
    "TrString",
    "TrProblem",
    "extract",
    "extract_ui",
    "placeholders",
    "html_tags",
    "has_accelerator",
]


@dataclass(frozen=True)
class TrString:
    """One source text handed to the translator, and where it was found."""

    context: str | None
    text: str
    path: str
    line: int
    numerus: bool = False  # asked with a count (``tr(text, "", n)``): needs plural forms

    @property
    def key(self) -> str:
        """The JSON key naming this exact context (``"Context|text"``)."""
        return f"{self.context}|{self.text}" if self.context else self.text


@dataclass(frozen=True)
class TrProblem:
    """A ``tr()`` call whose text can never be translated (or cannot be checked)."""

    path: str
    line: int
    kind: str  # "f-string", "formatted-before-tr", "dynamic"
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.detail}"


def _const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _module_constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = "text"`` / dict / tuple / list assignments -> their strings."""
    constants: dict[str, list[str]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if (text := _const_str(value)) is not None:
            constants[target.id] = [text]
        elif isinstance(value, ast.Dict):
            texts = [_const_str(v) for v in value.values]
            if texts and all(t is not None for t in texts):
                constants[target.id] = texts  # type: ignore[assignment]
        elif isinstance(value, (ast.Tuple, ast.List)):
            texts = [_const_str(v) for v in value.elts]
            if texts and all(t is not None for t in texts):
                constants[target.id] = texts  # type: ignore[assignment]
    return constants


def _is_translate(func: ast.AST) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "translate"


def _wrappers(tree: ast.Module) -> dict[str, str]:
    """Module-level ``def f(text): return QCoreApplication.translate("Ctx", text)`` -> Ctx."""
    found: dict[str, str] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.FunctionDef) or not stmt.args.args:
            continue
        param = stmt.args.args[0].arg
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and _is_translate(node.func)
                and len(node.args) >= 2
                and (context := _const_str(node.args[0])) is not None
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id == param
            ):
                found[stmt.name] = context
    return found


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, constants: dict[str, list[str]], wrappers: dict[str, str],
                 imported: frozenset[str] = frozenset()):
        self.path = path
        self.constants = constants
        self.wrappers = wrappers
        self.imported = imported  # wrappers defined in another module
        self.classes: list[str] = []
        self.function: str | None = None
        self.strings: list[TrString] = []
        self.problems: list[TrProblem] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802 (ast API)
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802 (ast API)
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802 (ast API)
        found = self._classify(node)
        if found is not None:
            context, text_node = found
            self._take(node, context, text_node)
        self.generic_visit(node)

    def _classify(self, node: ast.Call) -> tuple[str | None, ast.AST | None] | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "tr":
            if isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                context = self.classes[-1] if self.classes else None
            elif isinstance(func.value, ast.Name):
                context = func.value.id  # Klass.tr("...")
            else:
                context = None
            return context, (node.args[0] if node.args else None)
        if _is_translate(func) and len(node.args) >= 2:
            if self.function in self.wrappers and isinstance(node.args[1], ast.Name):
                return None  # the wrapper's own body; its callers are extracted instead
            return _const_str(node.args[0]), node.args[1]
        if isinstance(func, ast.Name) and func.id in self.wrappers:
            return self.wrappers[func.id], (node.args[0] if node.args else None)
        return None

    def _take(self, node: ast.Call, context: str | None, arg: ast.AST | None) -> None:
        def problem(kind: str, detail: str) -> None:
            self.problems.append(TrProblem(self.path, node.lineno, kind, detail))

        wrapper = isinstance(node.func, ast.Name) and node.func.id in self.wrappers
        if (text := _const_str(arg)) is not None:
            # The count is tr()'s third argument, translate()'s fourth; a wrapper has none.
            count_at = 3 if _is_translate(node.func) else 2
            numerus = not wrapper and (
                len(node.args) > count_at or any(k.arg == "n" for k in node.keywords))
            self.strings.append(TrString(context, text, self.path, node.lineno, numerus))
            return
        if isinstance(arg, ast.JoinedStr):
            problem("f-string", ast.unparse(arg))
            return
        if isinstance(arg, ast.BinOp) or (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and arg.func.attr in ("format", "replace", "join")
        ):
            problem("formatted-before-tr", ast.unparse(arg))
            return
        # A module-level constant, or a lookup in one: NAME, NAME[...], NAME.get(...)
        name = None
        if isinstance(arg, ast.Name):
            name = arg.id
        elif isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name):
            name = arg.value.id
        elif (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and arg.func.attr == "get"
            and isinstance(arg.func.value, ast.Name)
        ):
            name = arg.func.value.id
        if name is not None and name in self.constants:
            for text in self.constants[name]:
                self.strings.append(TrString(context, text, self.path, node.lineno))
            return
        if wrapper and node.func.id in self.imported:
            return
        problem("dynamic", ast.unparse(arg) if arg is not None else "(no text argument)")


def _module_name(path: Path) -> str:
    """``dense_studio.ui.inside.strings`` for a file of the package (else its stem)."""
    try:
        return ".".join(path.resolve().relative_to(UI_DIR.parent.parent).with_suffix("").parts)
    except ValueError:
        return path.stem


def _imported_wrappers(tree: ast.Module, wrappers_by_module: dict[str, dict[str, str]]):
    """``from module import tr`` of a wrapper another file defines -> its context."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in wrappers_by_module:
            for alias in node.names:
                context = wrappers_by_module[node.module].get(alias.name)
                if context is not None:
                    found[alias.asname or alias.name] = context
    return found


def extract(paths) -> tuple[list[TrString], list[TrProblem]]:
    """All translated strings and all problem calls in the given Python files."""
    strings: list[TrString] = []
    problems: list[TrProblem] = []
    trees = {}
    for path in sorted(Path(p) for p in paths):
        trees[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    wrappers_by_module = {_module_name(path): _wrappers(tree) for path, tree in trees.items()}
    for path, tree in trees.items():
        try:
            shown = str(path.relative_to(UI_DIR.parent.parent))
        except ValueError:
            shown = str(path)
        imported = _imported_wrappers(tree, wrappers_by_module)
        own = _wrappers(tree)
        visitor = _Visitor(shown, _module_constants(tree), {**imported, **own},
                           frozenset(imported) - frozenset(own))
        visitor.visit(tree)
        strings += visitor.strings
        problems += visitor.problems
    return strings, problems


def extract_ui() -> tuple[list[TrString], list[TrProblem]]:
    """Everything in ``dense_studio/ui/**/*.py``."""
    return extract(UI_DIR.rglob("*.py"))


# Qt's %1..%99 (also %L1) and %n; printf %s/%d/%.2f/%(name)s; str.format {0}/{name}/{0:.2f}.
_QT_ARG = r"%L?(?:[1-9][0-9]?|n)"
_PRINTF = r"%(?:\([A-Za-z_]\w*\))?[-+#0]*\d*(?:\.\d+)?[sdifgGeExXr]"
_FORMAT = r"(?<!\{)\{[^{}]*\}(?!\})"
_PLACEHOLDER = re.compile(f"{_QT_ARG}|{_PRINTF}|{_FORMAT}")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*>")


def placeholders(text: str) -> Counter:
    """The placeholders in ``text``, counted (order may change between languages)."""
    return Counter(_PLACEHOLDER.findall(text))


def html_tags(text: str) -> Counter:
    """Rich-text tag names (``b``, ``/b``, ``br`` ...) in ``text``, counted."""
    return Counter(
        re.match(r"</?[A-Za-z0-9]+", tag).group(0).lstrip("<").lower() for tag in _TAG.findall(text)
    )


def has_accelerator(text: str) -> bool:
    """True when ``text`` marks a keyboard accelerator (``&File``; ``&&`` is a literal &)."""
    return re.search(r"(?<!&)&(?!&)(?=[^\s&])", text.replace("&&", "")) is not None
