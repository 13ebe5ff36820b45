"""A small typed schema for YAML mappings: collects every wrong key and type with its line.

Used for site.yaml and data/products.yaml. Each field declares what it accepts; strings get the
text the author typed (so `no` stays "no" and `0123` stays "0123"), numbers are checked, unknown
keys are errors with a did-you-mean hint.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from nichesite.errors import Problems
from nichesite.yamlutil import YamlList, YamlMap

Check = Callable[[Any], "str | None"]  # returns an error message or None


TYPO_CUTOFF = 0.75  # difflib ratio: 'descripton', 'tag', 'product', 'categories' match; 'image_alt' does not
KNOWN_EXTRA = frozenset(("faq", "noindex", "image_alt", "author", "aliases", "translation_key"))  # read elsewhere


@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # "str", "int", "number", "bool", "str_list", "int_list", "map", "any_map", "str_or_map", "bool_or_str_list"
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    check: Check | None = None
    schema: dict[str, Field] | None = None
    allow_extra: bool = False


@dataclass(slots=True)
class Validator:
    """Validates one YAML document against a schema and records problems in `problems`."""

    path: str
    problems: Problems = field(default_factory=Problems)

    def mapping(self, data: Any, schema: dict[str, Field], where: str, line: int, extra_ok: bool = False) -> dict:
        if data is None:
            data = YamlMap()
            data.line, data.lines, data.raw = line, {}, {}
        if not isinstance(data, YamlMap):
            self.problems.error(self.path, getattr(data, "line", line), f"{where or 'the file'}: expected a mapping of keys")
            return {}
        out: dict[str, Any] = {}
        for key in data:
            if not isinstance(key, str) or (key not in schema and not extra_ok):
                hint = difflib.get_close_matches(str(key), list(schema), n=1)
                name = f"{where}.{key}" if where else str(key)
                msg = f"unknown key '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
                self.problems.error(self.path, data.line_of(key), msg)
            elif key not in schema and key not in KNOWN_EXTRA:
                # Other keys are allowed (templates read them), but one a letter or two from a
                # known key is a typo that silently drops what the author meant.
                hint = difflib.get_close_matches(key, list(schema), n=1, cutoff=TYPO_CUTOFF)
                if hint:
                    self.problems.warning(
                        self.path,
                        data.line_of(key),
                        f"unknown key '{key}' (did you mean '{hint[0]}'?): it is not used as '{hint[0]}'",
                        "unknown-key",
                    )
        for key, spec in schema.items():
            name = f"{where}.{key}" if where else key
            if key not in data or data[key] is None:
                if spec.required:
                    self.problems.error(self.path, line, f"'{name}' is required")
                out[key] = spec.default
                continue
            out[key] = self.value(data[key], data.raw.get(key), spec, name, data.line_of(key))
        if extra_ok:
            for key in data:
                if key not in schema:
                    out[key] = data[key]
        return out

    def value(self, value: Any, raw: Any, spec: Field, name: str, line: int) -> Any:
        before = len(self.problems.items)
        result = self._convert(value, raw, spec, name, line)
        if result is _INVALID:
            return spec.default
        # A mapping is checked as a whole only when its own keys were right: one mistake, one message.
        if spec.check is not None and not any(p.is_error for p in self.problems.items[before:]):
            message = spec.check(result)
            if message:
                self.problems.error(self.path, line, f"{name}: {message}")
                return spec.default
        return result

    def _convert(self, value: Any, raw: Any, spec: Field, name: str, line: int) -> Any:
        kind = spec.kind
        if kind == "str":
            if isinstance(value, str):
                return value
            if isinstance(raw, str) and not isinstance(value, (dict, list)):
                return raw  # the text as typed: `no`, `0123`, `1.10` stay what the author wrote
            return self._wrong(name, line, "text", value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return self._wrong(name, line, "true or false", value)
        if kind in ("int", "number"):
            ok = isinstance(value, int) and not isinstance(value, bool)
            if kind == "number":
                ok = ok or isinstance(value, float)
            if not ok:
                return self._wrong(name, line, "a whole number" if kind == "int" else "a number", value)
            if spec.minimum is not None and value < spec.minimum:
                self.problems.error(self.path, line, f"{name}: must be at least {spec.minimum:g}, got {value}")
                return _INVALID
            if spec.maximum is not None and value > spec.maximum:
                self.problems.error(self.path, line, f"{name}: must be at most {spec.maximum:g}, got {value}")
                return _INVALID
            return value
        if kind == "str_list":
            if isinstance(value, str):
                if "," in value:
                    items = ", ".join(part.strip() for part in value.split(",") if part.strip())
                    self.problems.warning(
                        self.path,
                        line,
                        f"{name}: '{value}' is one item, commas and all; for several, write a list: [{items}]",
                        "list-as-text",
                    )
                return (value,)
            if not isinstance(value, list):
                return self._wrong(name, line, "a list of text", value)
            raws = raw if isinstance(raw, list) else [None] * len(value)
            items = []
            for i, item in enumerate(value):
                item_line = value.line_of(i) if isinstance(value, YamlList) else line
                if isinstance(item, str):
                    items.append(item)
                elif isinstance(raws[i], str) and not isinstance(item, (dict, list)):
                    items.append(raws[i])
                else:
                    self._wrong(f"{name}[{i + 1}]", item_line, "text", item)
            return tuple(items)
        if kind == "int_list":
            if not isinstance(value, list) or not value:
                return self._wrong(name, line, "a list of whole numbers, such as [480, 800, 1200]", value)
            numbers = []
            for i, item in enumerate(value):
                item_line = value.line_of(i) if isinstance(value, YamlList) else line
                number = self._convert(item, None, Field("int", minimum=spec.minimum, maximum=spec.maximum), f"{name}[{i + 1}]", item_line)
                if number is _INVALID:
                    return _INVALID
                numbers.append(number)
            return tuple(numbers)
        if kind == "map":
            return self.mapping(value, spec.schema or {}, name, line, extra_ok=spec.allow_extra)
        if kind == "str_or_map":  # `author: ana` or `author: {name: Ana, url: /about/}`
            if isinstance(value, dict):
                return self.mapping(value, spec.schema or {}, name, line, extra_ok=spec.allow_extra)
            if isinstance(value, list):
                return self._wrong(name, line, "text or a mapping", value)
            return self._convert(value, raw, replace(spec, kind="str"), name, line)
        if kind == "bool_or_str_list":  # `share: false` or `share: [facebook, x]`
            if isinstance(value, bool):
                return value
            return self._convert(value, raw, replace(spec, kind="str_list"), name, line)
        if kind == "any_map":
            if not isinstance(value, dict):
                return self._wrong(name, line, "a mapping", value)
            return value
        raise AssertionError(kind)

    def _wrong(self, name: str, line: int, expected: str, value: Any) -> Any:
        hint = ""
        if "number" in expected and isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
            hint = f" (write {value.strip().replace(',', '.')}, with a dot)"
        self.problems.error(self.path, line, f"{name}: expected {expected}, got {describe(value)}{hint}")
        return _INVALID


_INVALID = object()


def describe(value: Any) -> str:
    """A short phrase for a YAML value, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value; put text in quotes)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)
