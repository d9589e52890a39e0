"""Rendering a template with its variables: `{{ name }}` placeholders in Jinja's sandbox.

Defence in depth, because a template is user code run on the server:
- parse time: only plain expressions, `if` and one level of `for` are allowed; attribute access,
  calls, macros, includes, imports and blocks are refused with a 400 naming what is not allowed;
- run time: Jinja's SandboxedEnvironment with StrictUndefined, no globals (no `range`), a short list
  of string filters, every attribute lookup answering undefined, and `*` / `**` / `%` checked so no
  expression builds a string longer than a prompt may be; the output stops at PROMPT_MAX_CHARS.
Variable values are inserted as text and never rendered themselves.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from .errors import InvalidTemplateError

VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_VARIABLES = 50
SAFE_FILTERS = (
    "capitalize",
    "default",
    "d",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "lower",
    "replace",
    "round",
    "string",
    "title",
    "trim",
    "truncate",
    "upper",
    "wordcount",
)
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Getitem,
    nodes.Slice,
    nodes.Filter,
    nodes.Test,
    nodes.If,
    nodes.For,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.BinExpr,
    nodes.UnaryExpr,
    nodes.List,
    nodes.Tuple,
    nodes.Keyword,
)


def _limit() -> int:
    return settings.PROMPT_MAX_CHARS


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        if operator == "%":
            raise SecurityError("the % operator is not allowed in templates")
        if operator == "**":
            if not all(isinstance(v, int | float) for v in (left, right)) or abs(right) > 64 or abs(left) > 10**6:
                raise SecurityError("** is limited to small numbers in templates")
            return left**right
        # "*": repeating text may not build more than a prompt may hold.
        for text, count in ((left, right), (right, left)):
            if isinstance(text, str | list | tuple) and isinstance(count, int) and len(text) * count > _limit():
                raise SecurityError(f"the rendered template must be at most {_limit()} characters")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj, attribute):  # noqa: A003 - Jinja's hook
        return self.undefined(obj=obj, name=attribute)


def _environment() -> SandboxedEnvironment:
    environment = _Sandbox(undefined=StrictUndefined, autoescape=False, cache_size=0)
    environment.globals.clear()
    environment.filters = {name: environment.filters[name] for name in SAFE_FILTERS}
    return environment


_ENV = _environment()


def _check_nodes(tree: nodes.Node, in_loop: bool = False) -> None:
    for node in tree.iter_child_nodes():
        if not isinstance(node, ALLOWED_NODES):
            raise InvalidTemplateError(
                f"templates may use variables, filters, if and for only ({type(node).__name__} is not allowed)",
                "content",
            )
        if isinstance(node, nodes.For) and in_loop:
            raise InvalidTemplateError("templates may not nest for loops", "content")
        _check_nodes(node, in_loop or isinstance(node, nodes.For))


def _parse(content: str) -> tuple[nodes.Template, Template]:
    """The checked syntax tree and the compiled template."""
    try:
        tree = _ENV.parse(content)
        _check_nodes(tree)
        return tree, _ENV.from_string(tree)
    except TemplateSyntaxError as exc:  # also an unknown filter (TemplateAssertionError)
        raise InvalidTemplateError(f"template syntax error on line {exc.lineno}: {exc.message}", "content") from exc


@dataclass(frozen=True)
class CheckedContent:
    content: str
    variables: tuple[str, ...]  # the variables it reads, sorted


def check_content(content) -> CheckedContent:
    """A template's content as written: a non-blank string of at most PROMPT_MAX_CHARS that parses."""
    if not isinstance(content, str) or not content.strip():
        raise InvalidTemplateError("content is required and must be a string", "content")
    if len(content) > _limit():
        raise InvalidTemplateError(f"content must be at most {_limit()} characters", "content")
    tree, _ = _parse(content)
    return CheckedContent(content, tuple(sorted(meta.find_undeclared_variables(tree))))


def check_variables(variables) -> dict:
    """{"name": text or number or true/false}: at most MAX_VARIABLES names, each value a prompt's length."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise InvalidTemplateError("variables must be an object of names to values", "variables")
    if len(variables) > MAX_VARIABLES:
        raise InvalidTemplateError(f"at most {MAX_VARIABLES} variables", "variables")
    for name, value in variables.items():
        if not VARIABLE_NAME.match(name):
            raise InvalidTemplateError(f"variable names are letters, digits and _ (not {name[:64]!r})", "variables")
        if isinstance(value, str):
            if len(value) > _limit():
                raise InvalidTemplateError(f"variable {name} must be at most {_limit()} characters", "variables")
        elif value is None or not isinstance(value, str | int | float | bool):
            raise InvalidTemplateError(f"variable {name} must be a string, a number or true/false", "variables")
    return dict(variables)


def render(content: str, variables: dict) -> str:
    """The prompt text: `content` with `variables` filled in, stripped; InvalidTemplateError naming a
    missing variable, an unsafe expression, or an output longer than a prompt may be."""
    tree, template = _parse(content)
    missing = sorted(meta.find_undeclared_variables(tree) - set(variables))
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise InvalidTemplateError(f"missing template variable{plural}: {', '.join(missing)}", "variables")
    limit, size, parts = _limit(), 0, []
    try:
        for piece in template.generate(variables):
            size += len(piece)
            if size > limit:
                raise InvalidTemplateError(f"the rendered template must be at most {limit} characters", "variables")
            parts.append(piece)
    except UndefinedError as exc:
        raise InvalidTemplateError(f"template error: {exc.message}", "variables") from exc
    except SecurityError as exc:
        raise InvalidTemplateError(f"template error: {exc}", "variables") from exc
    except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError) as exc:
        raise InvalidTemplateError(f"template error: {exc}", "variables") from exc
    text = "".join(parts).strip()
    if not text:
        raise InvalidTemplateError("the rendered template is empty", "variables")
    return text
