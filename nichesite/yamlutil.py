"""Safe YAML loading that keeps line numbers, rejects duplicate keys and keeps raw scalar text.

Every YAML file nichesite reads (site.yaml, front matter, data/products.yaml) goes through
`load_yaml`. Mappings come back as `YamlMap` (a dict that knows the line of each key and the
raw text of each plain scalar), so a validator can say `site.yaml:12: paginate: ...` and a
string field can get the text the author typed (`no`, `0123`) instead of YAML 1.1's surprise.
Timestamps are not resolved: dates stay strings and are parsed by the content stage, which can
then report an impossible date with its line instead of crashing.

Aliases may repeat a value, not multiply it. PyYAML builds an alias as a second reference to
one object, so nine nested levels of nine aliases ("billion laughs", about 500 bytes) load at once,
then cost gigabytes in whatever walks the data (the fingerprint's repr, validation, the
templates). A document whose data, written out with every alias expanded, would be longer
than `EXPANSION_FACTOR` times the document plus `EXPANSION_FLOOR` characters is refused at
the alias that passes that limit. Without aliases data is never longer than about twice its
text, so only alias use is ever refused, and every later walk stays linear in the file size.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from nichesite.errors import Problem, Problems, error
from nichesite.files import read_text

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

# The expanded size of a document (each scalar counts its length plus one, each collection
# one, each alias the size of what it names) may be at most this many times the length of its
# text, plus the floor, which lets a short front matter reuse a list a few dozen times.
EXPANSION_FACTOR = 10
EXPANSION_FLOOR = 10_000


class YamlMap(dict):
    """A mapping from YAML with the line of the mapping, of each key, and raw scalar texts."""

    line: int
    lines: dict[Any, int]
    raw: dict[Any, Any]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class YamlList(list):
    """A sequence from YAML with its own line and the line of each item."""

    line: int
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class AliasExpansionError(yaml.MarkedYAMLError):
    pass


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader: no Python tags, no timestamps, duplicate keys are errors, lines recorded."""

    line_offset = 0

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YamlMap:  # type: ignore[override]
        self.flatten_mapping(node)
        result = YamlMap()
        result.line = node.start_mark.line + 1 + self.line_offset
        result.lines = {}
        result.raw = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
                ) from None
            if key in result:
                raise DuplicateKeyError(None, None, f"duplicate key '{key}' (it is already set above)", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1 + self.line_offset
            raw = _raw_scalars(value_node)
            if raw is not None:
                result.raw[key] = raw
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YamlList:  # type: ignore[override]
        result = YamlList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1 + self.line_offset
        result.lines = [child.start_mark.line + 1 + self.line_offset for child in node.value]
        return result


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


def _raw_scalars(node: yaml.Node) -> Any:
    """The text an author typed for a scalar, or for a list of scalars; None otherwise."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        return [n.value for n in node.value]
    return None


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse YAML text safely; return (data, problems). Lines are shifted by line_offset."""
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        _check_expansion(text)
        return loader.get_single_data(), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        return None, [error(path, line, f"invalid YAML: {_describe(exc, text)}")]
    except yaml.YAMLError as exc:
        return None, [error(path, line_offset + 1, f"invalid YAML: {exc}")]
    except (ValueError, TypeError, OverflowError) as exc:  # a value the safe constructors reject
        return None, [error(path, line_offset + 1, f"invalid YAML value: {exc}")]
    except RecursionError:  # libyaml allows 1,000 levels; constructing them takes more frames
        return None, [error(path, line_offset + 1, "invalid YAML: lists and mappings are nested too deeply")]
    finally:
        loader.dispose()


def _check_expansion(text: str) -> None:
    """Raise AliasExpansionError at the alias where the document's expanded size passes its
    limit (see the module's docstring). One pass over the parser's events, run only when the
    text could hold an alias at all: `*name` needs an `&name` anchor."""
    if "*" not in text or "&" not in text:
        return
    limit = EXPANSION_FACTOR * len(text) + EXPANSION_FLOOR
    loader = _Loader(text)
    try:
        sizes: dict[str, int] = {}  # anchor → expanded size of the node it names
        opened: list[tuple[str | None, int]] = []  # (anchor, size before it) of each open collection
        size = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                size += sizes.get(event.anchor, 1)  # an unknown or still open anchor: the composer reports it
                if size > limit:
                    raise AliasExpansionError(
                        None,
                        None,
                        f"alias *{event.anchor} makes this document expand past {limit:,} characters"
                        f" ({EXPANSION_FACTOR} times its length plus {EXPANSION_FLOOR:,}): an alias may repeat a value,"
                        " not multiply it; write the values out",
                        event.start_mark,
                    )
            elif isinstance(event, yaml.ScalarEvent):
                size += 1 + len(event.value)
                if event.anchor is not None:
                    sizes[event.anchor] = 1 + len(event.value)
            elif isinstance(event, yaml.CollectionStartEvent):
                opened.append((event.anchor, size))
                size += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, before = opened.pop()
                if anchor is not None:
                    sizes[anchor] = size - before
    finally:
        loader.dispose()


_KEY_VALUE = re.compile(r"\s*(?:-\s+)?([^\s:#][^:#]*?):\s+(.*?)\s*$")


def _describe(exc: yaml.MarkedYAMLError, text: str = "") -> str:
    """PyYAML's complaint in an author's words, for the mistakes authors make most."""
    problem = exc.problem or "malformed"
    mark = exc.problem_mark
    lines = text.split("\n")
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "could not determine a constructor" in problem:
        tag = problem.split("tag ", 1)[-1].strip()
        return f"tag {tag} is not allowed (only plain YAML values are; nothing is ever executed)"
    if "tab character" in problem or ("cannot start any token" in problem and "\t" in line[: (mark.column + 1) if mark else len(line)]):
        return "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces"
    if problem.startswith("mapping values are not allowed"):  # "here" (Python) or "in this context" (libyaml)
        pair = _KEY_VALUE.match(line)
        if pair and mark is not None and mark.column > line.index(":"):
            key, value = pair.groups()
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            return f"the value of '{key}' holds ': ', which YAML reads as a new key; put the value in quotes: {key}: \"{quoted}\""
        return "this line is indented under a value that is not a mapping; check its indentation"
    if "while scanning a quoted scalar" in (exc.context or ""):
        return "a quote is opened and never closed (a value that holds a quote mark goes in the other kind of quotes)"
    if "while parsing a flow sequence" in (exc.context or ""):
        return "a list opened with [ is not closed with ] (or an item holds a comma: put it in quotes)"
    if exc.context and exc.context not in problem:
        return f"{problem} ({exc.context})"
    return problem


def read_yaml_file(path: Path, rel: str, problems: Problems) -> tuple[Any, bool]:
    """A YAML file's data, (data, True); (None, False) when it cannot be read or is not valid
    YAML, its problems (at `rel`) added to `problems`."""
    text, read_problems = read_text(path, rel)
    problems.extend(read_problems)
    if text is None:
        return None, False
    data, yaml_problems = load_yaml(text, rel)
    problems.extend(yaml_problems)
    return (None, False) if yaml_problems else (data, True)


def load_data_mapping(site_dir: Path, rel: str, expected: str, problems: Problems) -> tuple[YamlMap | None, bool]:
    """A site's optional YAML data file holding one mapping (data/products.yaml, data/authors.yaml):
    (the mapping, True); (None, True) when there is no such file or it is empty; (None, False)
    when it cannot be used (unreadable, invalid YAML, or `expected` is not what it holds), its
    problems added to `problems`. Anything else at the path (a named pipe, a broken link) is read
    and reported."""
    path = site_dir / rel
    if not os.path.lexists(path):
        return None, True
    data, usable = read_yaml_file(path, rel, problems)
    if not usable:
        return None, False
    if data is None:
        return None, True
    if not isinstance(data, YamlMap):
        problems.error(rel, 1, f"expected {expected}")
        return None, False
    return data, True
