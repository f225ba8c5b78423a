"""The ``q=`` query language of ``GET /api/v2/experiments``: tokens and a parse tree, no Django.

Grammar (keywords are case-insensitive)::

    query      := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" unary | "(" or_expr ")" | predicate
    predicate  := field ( compare_op value
                        | ["not"] "in" "(" value ("," value)* ")"
                        | ["not"] "contains" value
                        | "exists" )
    field      := name ("." segment)*          e.g. project, summary.accuracy, config.optim.lr
    segment    := [A-Za-z0-9_][A-Za-z0-9_-]* | string      e.g. summary."val/acc"
    compare_op := "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
    value      := string | number | "true" | "false"
    string     := "..." or '...' with backslash escapes (\\" \\' \\\\ \\n \\t \\uXXXX)
    number     := -?digits[.digits][e[+-]digits]

The parser only builds a tree; ``apps.experiments.qcompile`` turns it into ORM filters. Values are
never pasted into SQL, so quotes or SQL keywords inside strings are just characters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 32
MAX_IN_VALUES = 100

Literal = str | float | bool


class QuerySyntaxError(ValueError):
    """A query that does not parse; ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int, expected: str) -> None:
        super().__init__(message)
        self.position = position
        self.expected = expected


# ---------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    position: int

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Compare:
    field: Field
    op: str  # one of = != < <= > >=
    value: Literal
    position: int


@dataclass(frozen=True)
class In:
    field: Field
    values: tuple[Literal, ...]
    position: int


@dataclass(frozen=True)
class Contains:
    field: Field
    value: Literal
    position: int


@dataclass(frozen=True)
class Exists:
    field: Field
    position: int


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Compare | In | Contains | Exists | Not | And | Or


# ---------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # name, string, number, op, lparen, rparen, comma, dot, end
    text: str
    value: object
    position: int


KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "exists", "true", "false"})
_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")
_NUMBER_RE = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPS = ("==", "!=", "<>", "<=", ">=", "=", "<", ">")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "/": "/"}
_PUNCT = {"(": "lparen", ")": "rparen", ",": "comma", ".": "dot"}


def _describe(token: Token) -> str:
    return "the end of the query" if token.kind == "end" else repr(token.text)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _PUNCT:
            # A dot that starts a number (".5") is a number, not a path separator.
            if ch == "." and i + 1 < n and text[i + 1].isdigit() and (not tokens or tokens[-1].kind == "op"):
                i = _number(text, i, tokens)
            else:
                tokens.append(Token(_PUNCT[ch], ch, None, i))
                i += 1
        elif ch in "\"'":
            i = _string(text, i, tokens)
        elif ch == "-" or (ch.isdigit() and (not tokens or tokens[-1].kind != "dot")):
            i = _number(text, i, tokens)
        elif op := next((op for op in _OPS if text.startswith(op, i)), None):
            tokens.append(Token("op", op, None, i))
            i += len(op)
        elif match := _NAME_RE.match(text, i):
            tokens.append(Token("name", match.group(), None, i))
            i = match.end()
        else:
            raise QuerySyntaxError(
                f"unexpected character {ch!r} at position {i}", i, "a field, a value, an operator or a parenthesis"
            )
    tokens.append(Token("end", "", None, n))
    return tokens


def _number(text: str, start: int, tokens: list[Token]) -> int:
    match = _NUMBER_RE.match(text, start)
    if match is None:
        raise QuerySyntaxError(f"malformed number at position {start}", start, "a number such as 0.01 or -3")
    end = match.end()
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        raise QuerySyntaxError(
            f"malformed number at position {start}: {text[start:end + 1]!r}", start, "a number such as 0.01 or -3"
        )
    value = float(match.group())
    if not math.isfinite(value):
        raise QuerySyntaxError(f"number out of range at position {start}", start, "a finite number")
    tokens.append(Token("number", match.group(), value, start))
    return end


def _string(text: str, start: int, tokens: list[Token]) -> int:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            tokens.append(Token("string", text[start : i + 1], "".join(out), start))
            return i + 1
        if ch == "\\":
            if i + 1 >= len(text):
                break
            nxt = text[i + 1]
            if nxt == "u":
                digits = text[i + 2 : i + 6]
                if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise QuerySyntaxError(f"bad \\u escape at position {i}", i, "\\u followed by 4 hex digits")
                out.append(chr(int(digits, 16)))
                i += 6
                continue
            if nxt not in _ESCAPES:
                raise QuerySyntaxError(
                    f"unknown escape \\{nxt} at position {i}", i, "one of \\\" \\' \\\\ \\n \\t \\r \\/ \\uXXXX"
                )
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    raise QuerySyntaxError(f"unterminated string starting at position {start}", start, f"a closing {quote}")


# ---------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def _advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _is_keyword(self, word: str) -> bool:
        token = self.current
        return token.kind == "name" and token.text.lower() == word

    def _fail(self, expected: str) -> QuerySyntaxError:
        token = self.current
        return QuerySyntaxError(
            f"expected {expected} at position {token.position}, found {_describe(token)}", token.position, expected
        )

    def parse(self) -> Node:
        node = self._or()
        if self.current.kind != "end":
            raise self._fail("'and', 'or' or the end of the query")
        return node

    def _or(self) -> Node:
        operands = [self._and()]
        while self._is_keyword("or"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Node:
        operands = [self._unary()]
        while self._is_keyword("and"):
            self._advance()
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(
                f"query nested deeper than {MAX_DEPTH} levels", self.current.position, "fewer nested 'not' or '('"
            )
        try:
            if self._is_keyword("not"):
                self._advance()
                return Not(self._unary())
            if self.current.kind == "lparen":
                self._advance()
                node = self._or()
                if self.current.kind != "rparen":
                    raise self._fail("')'")
                self._advance()
                return node
            return self._predicate()
        finally:
            self.depth -= 1

    def _field(self) -> Field:
        token = self.current
        if token.kind != "name" or token.text.lower() in KEYWORDS:
            raise self._fail("a field name such as project, status, summary.accuracy or config.lr")
        self._advance()
        path = [token.text]
        while self.current.kind == "dot":
            self._advance()
            seg = self.current
            if seg.kind == "name" or seg.kind == "string":
                path.append(seg.text if seg.kind == "name" else str(seg.value))
                self._advance()
            elif seg.kind == "number" and seg.text.isdigit():
                path.append(seg.text)
                self._advance()
            else:
                raise self._fail('a key after "." (a name, or a quoted key such as "val/acc")')
        return Field(tuple(path), token.position)

    def _value(self) -> Literal:
        token = self.current
        if token.kind in ("string", "number"):
            self._advance()
            return token.value  # type: ignore[return-value]
        if token.kind == "name" and token.text.lower() in ("true", "false"):
            self._advance()
            return token.text.lower() == "true"
        raise self._fail("a value (a quoted string, a number, true or false)")

    def _predicate(self) -> Node:
        field = self._field()
        token = self.current
        if token.kind == "op":
            self._advance()
            op = {"==": "=", "<>": "!="}.get(token.text, token.text)
            return Compare(field, op, self._value(), token.position)
        negate = False
        if self._is_keyword("not"):
            self._advance()
            negate = True
        if self._is_keyword("in"):
            self._advance()
            node: Node = In(field, self._value_list(), token.position)
        elif self._is_keyword("contains"):
            self._advance()
            node = Contains(field, self._value(), token.position)
        elif self._is_keyword("exists") and not negate:
            self._advance()
            return Exists(field, token.position)
        else:
            expected = "'in' or 'contains'" if negate else "an operator (= != < <= > >=), 'in', 'contains' or 'exists'"
            raise self._fail(expected)
        return Not(node) if negate else node

    def _value_list(self) -> tuple[Literal, ...]:
        if self.current.kind != "lparen":
            raise self._fail("'(' to start the list of values")
        self._advance()
        values = [self._value()]
        while self.current.kind == "comma":
            self._advance()
            values.append(self._value())
        if self.current.kind != "rparen":
            raise self._fail("',' or ')'")
        if len(values) > MAX_IN_VALUES:
            raise QuerySyntaxError(
                f"more than {MAX_IN_VALUES} values in one 'in' list", self.current.position, "a shorter list"
            )
        self._advance()
        return tuple(values)


def parse(text: str) -> Node:
    """The tree of ``text``; raises ``QuerySyntaxError`` saying where and what was expected."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"query longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH, "a shorter query"
        )
    if not text.strip():
        raise QuerySyntaxError("empty query", 0, "a condition such as status = \"finished\"")
    return _Parser(tokenize(text)).parse()
