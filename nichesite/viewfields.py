"""What the outputs of other entries may show of an entry: its view's shared fields.

An article's page is made from its own view; it also shows the cards of its related articles
and the links to its newer and older neighbours, a list page the cards of its articles, and the
feed, sitemap and search index a part of every entry. A fingerprint (fingerprint.py) holds the
digest of every view an output is made from, so an edit to a field only the article's own page
shows (its word count, its headings: a body edit) would render every page that shows its card
again, for the same bytes. So each entry has a second digest, its *shared* digest, of the
fields an output other than its own page may read: those the templates read from a view that
is not the page's own, and those the feed, sitemap and search index are made of (FEED_FIELDS).
The other outputs are fingerprinted with it.

The templates' fields are found in their syntax trees, where every view of another entry comes
from: `related`, `newer`, `older` and `paginator.items` (the standalone pages in `site.pages`
are in the site part of every fingerprint whole). Types are followed through variables, loops,
macro calls and the filters that pass views on, over all templates at once; `page` is the
page's own view as long as no template binds the name. Anything the analysis cannot follow
makes every field shared (the whole view digest, as if there were no analysis): a view of
another entry printed, compared, hashed, given to a filter or a function that is not a
template macro, put in a dict or a namespace; a field read by a computed name or a dunder
attribute; `page` bound to another view (Python reads `page` from the context: `affiliate_top`).
A template that cannot be parsed is left out: any page that would include it fails to build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import jinja2
from jinja2 import nodes

from nichesite.fingerprint import digest
from nichesite.theme import Theme
from nichesite.views import EntryView

# Properties of a view made from its fields when read: reading one reads those fields.
MADE_FROM = {"share_links": ("permalink", "title", "share")}
FIELDS = frozenset(f.name for f in dataclasses.fields(EntryView)) | MADE_FROM.keys()

# What feeds.py reads of an entry: entry_parts reads the view's title, permalink, date, lastmod,
# category, description, url, tags and author; render_file the entry's draft, lastmod, `extra`
# (noindex) and source, which its view holds too. (tests/unit/test_viewfields.py checks
# entry_parts against this list.)
FEED_FIELDS = frozenset(
    {"title", "permalink", "date", "lastmod", "category", "description", "url", "tags", "author", "draft", "extra", "source"}
)

OWN, VIEW, VIEWS, PAGER, LOOP = "own", "view", "views", "pager", "loop"
OTHERS = frozenset({VIEW, VIEWS, PAGER, LOOP})  # values that are, or hold, views of other entries
NONE: frozenset[str] = frozenset()
CONTEXT = {"page": frozenset({OWN}), "related": frozenset({VIEWS}), "newer": frozenset({VIEW}), "older": frozenset({VIEW})}
CONTEXT["paginator"] = frozenset({PAGER})

# Tests that read no field of the value they test.
SAFE_TESTS = frozenset(
    {"defined", "undefined", "none", "sameas", "boolean", "true", "false", "integer", "float", "number", "string", "mapping"}
    | {"iterable", "sequence", "callable", "escaped"}
)
# Filters that pass views on (a list in, a list or one of them out) and read no field themselves.
_PASS_LIST = frozenset({"list", "reverse", "slice", "batch"})
_PASS_ONE = frozenset({"first", "last", "random"})


def shared_fields(theme: Theme) -> tuple[str, ...] | None:
    """The fields of an entry's view that outputs other than its own page may read, sorted; None
    when the templates may read any. (A session keeps the answer under the templates' digest:
    Derived.shared.)"""
    found = template_fields(_parse_all([theme.site_dir / "templates", *theme.template_dirs]))
    return None if found is None else tuple(sorted(found | FEED_FIELDS))


def shared_digest(view: EntryView, fields: Sequence[str] | None, whole: str) -> str:
    """The digest of what other outputs may show of `view`; `whole` (the digest of the whole
    view) when any field may be shown."""
    if fields is None:
        return whole
    return digest("shared", view.source, *(getattr(view, name) for name in fields))


def template_fields(templates: Mapping[str, Sequence[nodes.Template]]) -> frozenset[str] | None:
    """The fields the templates ({name: its parsed versions}) may read from views of other entries; None: any."""
    try:
        return _Analysis(templates).run()
    except _Unbounded:
        return None


def _parse_all(template_dirs: Iterable[Path]) -> dict[str, list[nodes.Template]]:
    """Every template by the names it is loaded by (`theme/NAME` too, as its plain name): all
    the versions a name may stand for, a site's override and the theme's."""
    env = jinja2.Environment(autoescape=True)  # only parses
    parsed: dict[str, list[nodes.Template]] = {}
    for folder in template_dirs:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            try:
                template = env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
            except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
                continue  # never a template a build can render: a page including it fails
            parsed.setdefault(path.relative_to(folder).as_posix(), []).append(template)
    return parsed


class _Unbounded(Exception):
    """A construct the analysis does not follow: any field may be read."""


class _Analysis:
    """Types of the template variables (whether they may hold views of other entries), to a fixed
    point. Each template is walked as a page's own template, with what the renderer puts in the
    context, and again where a template includes it, with the variables the includer sees. Loop
    variables and `with` names live in their block; `{% set %}` names, macro and call-block
    parameters are one variable per name across all templates (every value any of them is
    given)."""

    def __init__(self, templates: Mapping[str, Sequence[nodes.Template]]) -> None:
        self.templates = templates
        self.sets: dict[str, frozenset[str]] = {}
        self.params: dict[str, frozenset[str]] = {}
        self.scopes: list[dict[str, frozenset[str]]] = []  # loop and `with` variables, innermost last
        self.including: list[int] = []
        self.read: set[str] = set()
        self.changed = False
        self.macros: dict[str, list[list[str]]] = {}  # name → the parameter names of each macro of that name
        self.callers: set[str] = set()  # parameters of `{% call(...) %}` blocks
        self.namespaces: set[str] = set()  # `{% import ... as ns %}`
        every = [template for versions in templates.values() for template in versions]
        for template in every:
            for macro in template.find_all(nodes.Macro):
                self.macros.setdefault(macro.name, []).append([a.name for a in macro.args])
            for block in template.find_all(nodes.CallBlock):
                self.callers.update(a.name for a in block.args)
            for imported in template.find_all(nodes.Import):
                self.namespaces.add(imported.target)
        for template in every:
            for imported in template.find_all(nodes.FromImport):
                for name in imported.names:
                    original, alias = name if isinstance(name, tuple) else (name, name)
                    self.macros.setdefault(alias, []).extend(self.macros.get(original, []) if alias != original else [])

    def run(self) -> frozenset[str]:
        for _ in range(100):
            self.changed = False
            for versions in self.templates.values():
                for template in versions:
                    self.scopes = []
                    self.stmts(template.body)
            if not self.changed:
                return frozenset(self.read)
        raise _Unbounded

    def lookup(self, name: str) -> frozenset[str]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return self.sets.get(name, NONE) | CONTEXT.get(name, NONE)

    def widen(self, table: dict[str, frozenset[str]], name: str, found: frozenset[str]) -> frozenset[str]:
        now = table.get(name, NONE) | found
        if name == "page" and now & OTHERS:
            raise _Unbounded  # Python reads the context's `page` as the page's own (affiliate_top)
        if now != table.get(name, NONE):
            table[name] = now
            self.changed = True
        return now

    def local(self, names: dict[str, frozenset[str]], body: Iterable[nodes.Node]) -> None:
        for name, found in names.items():
            if name == "page" and found & OTHERS:
                raise _Unbounded
        self.scopes.append(names)
        try:
            self.stmts(body)
        finally:
            self.scopes.pop()

    # -- statements --------------------------------------------------------------------------

    def stmts(self, body: Iterable[nodes.Node]) -> None:
        for node in body:
            self.stmt(node)

    def stmt(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.whole(child)
        elif isinstance(node, nodes.If):
            self.ev(node.test)
            self.stmts(node.body)
            self.stmts(node.elif_)
            self.stmts(node.else_)
        elif isinstance(node, nodes.For):
            found = self.ev(node.iter)
            names = self.targets(node.target, _elements(found))
            names["loop"] = frozenset({LOOP}) if found & OTHERS else NONE
            body = [nodes.ExprStmt(node.test)] if node.test is not None else []
            self.local(names, [*body, *node.body])
            self.stmts(node.else_)
        elif isinstance(node, nodes.Assign):
            for name, found in self.targets(node.target, self.ev(node.node)).items():
                self.widen(self.sets, name, found)
        elif isinstance(node, nodes.With):
            names: dict[str, frozenset[str]] = {}
            for target, value in zip(node.targets, node.values):
                names.update(self.targets(target, self.ev(value)))
            self.local(names, node.body)
        elif isinstance(node, nodes.AssignBlock):
            if node.filter is not None:
                self.ev(node.filter)
            self.stmts(node.body)
            for name in self.targets(node.target, NONE):
                self.widen(self.sets, name, NONE)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            params = [a.name for a in node.args]
            for name, default in zip(params[len(params) - len(node.defaults) :], node.defaults):
                self.widen(self.params, name, self.ev(default))
            if isinstance(node, nodes.CallBlock):
                self.ev(node.call)
            self.local({name: self.params.get(name, NONE) for name in params}, node.body)
        elif isinstance(node, nodes.FilterBlock):
            self.ev(node.filter)
            self.stmts(node.body)
        elif isinstance(node, nodes.Include):
            self.include(node)
        elif isinstance(node, (nodes.Extends, nodes.Import, nodes.FromImport)):
            self.whole(node.template)  # the parent, or the macros' template, is walked on its own
        elif isinstance(node, nodes.ExprStmt):
            self.ev(node.node)
        elif isinstance(node, nodes.OverlayScope):
            self.whole(node.context)
            self.stmts(node.body)
        elif isinstance(node, (nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)):
            for option in node.options:
                self.whole(option.value)
            self.stmts(getattr(node, "body", ()))
        elif isinstance(node, (nodes.Block, nodes.Scope)):
            self.stmts(node.body)
        elif not isinstance(node, (nodes.Continue, nodes.Break, nodes.TemplateData)):
            raise _Unbounded

    def targets(self, target: nodes.Node, found: frozenset[str]) -> dict[str, frozenset[str]]:
        """The names an assignment or a loop binds, and what each may hold."""
        if isinstance(target, nodes.Name):
            return {target.name: found}
        if found & OTHERS:  # a view unpacked, or kept in a namespace: not followed
            raise _Unbounded
        if isinstance(target, nodes.Tuple):
            names: dict[str, frozenset[str]] = {}
            for item in target.items:
                names.update(self.targets(item, NONE))
            return names
        if isinstance(target, nodes.NSRef):
            return {}
        raise _Unbounded

    def include(self, node: nodes.Include) -> None:
        """The included templates, walked with the variables the includer sees."""
        name = node.template
        names = name.items if isinstance(name, (nodes.List, nodes.Tuple)) else [name]
        if not all(isinstance(n, nodes.Const) and isinstance(n.value, str) for n in names):
            raise _Unbounded  # a template chosen at render time
        saved = self.scopes
        if not node.with_context:
            self.scopes = []
        try:
            for n in names:
                value = n.value.removeprefix("theme/")
                for template in self.templates.get(value, ()):
                    if id(template) in self.including:
                        raise _Unbounded  # a template that includes itself
                    self.including.append(id(template))
                    self.stmts(template.body)
                    self.including.pop()
        finally:
            self.scopes = saved

    # -- expressions -------------------------------------------------------------------------

    def whole(self, node: nodes.Node | None) -> None:
        """A value used whole (printed, compared, hashed, given to Python): no view of another entry."""
        if self.ev(node) & OTHERS:
            raise _Unbounded

    def ev(self, node: nodes.Node | None) -> frozenset[str]:
        """What `node`'s value may be, recording the fields it reads."""
        if node is None or isinstance(node, (nodes.Const, nodes.TemplateData)):
            return NONE
        if isinstance(node, nodes.Name):
            return self.lookup(node.name)
        if isinstance(node, nodes.Getattr):
            return self.attribute(self.ev(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            return self.item(node)
        if isinstance(node, nodes.Filter):
            return self.filter(node)
        if isinstance(node, nodes.Test):
            return self.test(node)
        if isinstance(node, nodes.Call):
            return self.call(node)
        if isinstance(node, nodes.CondExpr):
            self.ev(node.test)
            return self.ev(node.expr1) | self.ev(node.expr2)
        if isinstance(node, (nodes.And, nodes.Or)):  # the value of one side
            return self.ev(node.left) | self.ev(node.right)
        if isinstance(node, nodes.Not):
            self.ev(node.node)
            return NONE
        if isinstance(node, (nodes.Tuple, nodes.List)):
            found = frozenset().union(*(self.ev(item) for item in node.items))
            return frozenset({VIEWS}) if found & OTHERS else NONE
        if isinstance(node, nodes.Dict):
            for pair in node.items:
                self.whole(pair.key)
                self.whole(pair.value)
            return NONE
        if isinstance(node, nodes.Compare):
            self.whole(node.expr)
            for operand in node.ops:
                self.whole(operand.expr)
            return NONE
        if isinstance(node, nodes.BinExpr):
            self.whole(node.left)
            self.whole(node.right)
            return NONE
        if isinstance(node, nodes.UnaryExpr):
            self.whole(node.node)
            return NONE
        if isinstance(node, nodes.Concat):
            for child in node.nodes:
                self.whole(child)
            return NONE
        if isinstance(node, (nodes.MarkSafe, nodes.MarkSafeIfAutoescape)):
            self.whole(node.expr)
            return NONE
        if isinstance(node, nodes.Slice):
            for part in (node.start, node.stop, node.step):
                self.whole(part)
            return NONE
        if isinstance(node, (nodes.EnvironmentAttribute, nodes.ExtensionAttribute, nodes.ImportedName, nodes.InternalName)):
            return NONE
        if isinstance(node, (nodes.ContextReference, nodes.DerivedContextReference)):
            return NONE
        raise _Unbounded

    def attribute(self, found: frozenset[str], name: str) -> frozenset[str]:
        """`x.name` or `x['name']` where `x` may be `found`."""
        if name.startswith("__"):
            raise _Unbounded
        out: set[str] = set()
        if VIEW in found and name in FIELDS:
            self.read.update(MADE_FROM.get(name, (name,)))
        if VIEWS in found and name in ("count", "index"):  # tuple methods compare views whole
            raise _Unbounded
        if PAGER in found and name == "items":
            out.add(VIEWS)
        if LOOP in found and name in ("previtem", "nextitem"):
            out.add(VIEW)
        return frozenset(out)

    def item(self, node: nodes.Getitem) -> frozenset[str]:
        found = self.ev(node.node)
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            return self.attribute(found, arg.value)
        if isinstance(arg, (nodes.Slice, nodes.Const)):  # a number: an item of a list, never a field
            self.ev(arg)
            return frozenset({VIEW, VIEWS}) if VIEWS in found else NONE
        self.whole(arg)
        if found & {VIEW, PAGER, LOOP}:
            raise _Unbounded  # a field read by a computed name
        return frozenset({VIEW, VIEWS}) if VIEWS in found else NONE

    def filter(self, node: nodes.Filter) -> frozenset[str]:
        found = self.ev(node.node)
        name = node.name
        if name in ("default", "d"):
            return found | frozenset().union(*(self.ev(a) for a in node.args), *(self.ev(k.value) for k in node.kwargs))
        if not found & OTHERS:
            self.whole_args(node)
            return NONE
        if name in ("length", "count"):
            self.whole_args(node)
            return NONE
        if name in _PASS_LIST or name in _PASS_ONE:
            self.whole_args(node)
            return _elements(found) if name in _PASS_ONE else frozenset({VIEWS})
        if name in ("select", "reject"):
            test = node.args[0] if node.args else None
            if test is not None and not (isinstance(test, nodes.Const) and test.value in SAFE_TESTS):
                raise _Unbounded
            self.whole_args(node)
            return frozenset({VIEWS})
        if name in ("selectattr", "rejectattr"):
            if not node.args or not isinstance(node.args[0], nodes.Const) or node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise _Unbounded
            self.named(node.args[0].value, found)
            for arg in node.args[1:]:
                self.whole(arg)
            return frozenset({VIEWS})
        if name == "attr":
            if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const) or node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise _Unbounded
            return self.attribute(found, str(node.args[0].value))
        if name in ("map", "sort", "unique", "min", "max", "sum", "join"):
            # Only by attribute (a constant): the views themselves compared, hashed or printed are not followed.
            values = [*node.args, *(k.value for k in node.kwargs)]
            if node.dyn_args or node.dyn_kwargs or not all(isinstance(v, nodes.Const) for v in values):
                raise _Unbounded
            keys = {k.key: k.value.value for k in node.kwargs}
            attribute = keys.get("attribute")
            if name == "map" and (node.args or attribute is None):
                raise _Unbounded  # a filter applied to each view
            if name in ("sort", "unique", "min", "max") and attribute is None and not (name == "sort" and len(node.args) >= 3):
                raise _Unbounded
            if name in ("sum", "join") and attribute is None and len(node.args) < (1 if name == "sum" else 2):
                raise _Unbounded
            for value in values:
                if isinstance(value.value, str):
                    self.named(value.value, found)
            if name in ("min", "max"):
                return _elements(found)
            return frozenset({VIEWS}) if name in ("sort", "unique") else NONE
        raise _Unbounded

    def named(self, dotted: str, found: frozenset[str]) -> None:
        """An attribute named in a filter's argument (`attribute="category.name"`)."""
        first = dotted.split(".", 1)[0]
        if first.startswith("__"):
            raise _Unbounded
        if found & {VIEW, VIEWS} and first in FIELDS:
            self.read.update(MADE_FROM.get(first, (first,)))

    def whole_args(self, node: nodes.Filter | nodes.Test | nodes.Call) -> None:
        for arg in node.args:
            self.whole(arg)
        for keyword in node.kwargs:
            self.whole(keyword.value)
        self.whole(node.dyn_args)
        self.whole(node.dyn_kwargs)

    def test(self, node: nodes.Test) -> frozenset[str]:
        found = self.ev(node.node)
        if node.name == "sameas":  # identity: no field read
            for arg in node.args:
                self.ev(arg)
            return NONE
        if found & OTHERS and node.name not in SAFE_TESTS:
            raise _Unbounded
        self.whole_args(node)
        return NONE

    def call(self, node: nodes.Call) -> frozenset[str]:
        callee = node.node
        macros = self.macros_called(callee)
        if macros:
            for params in macros:
                for i, arg in enumerate(node.args):
                    if i < len(params):
                        self.widen(self.params, params[i], self.ev(arg))
                    else:
                        self.whole(arg)  # into `varargs`
                for keyword in node.kwargs:
                    if keyword.key in params:
                        self.widen(self.params, keyword.key, self.ev(keyword.value))
                    else:
                        self.whole(keyword.value)  # into `kwargs`
            self.whole(node.dyn_args)
            self.whole(node.dyn_kwargs)
            return NONE
        if isinstance(callee, nodes.Name) and callee.name == "caller":
            for arg in (*node.args, *(k.value for k in node.kwargs)):
                found = self.ev(arg)
                for name in self.callers:
                    self.widen(self.params, name, found)
            self.whole(node.dyn_args)
            self.whole(node.dyn_kwargs)
            return NONE
        self.ev(callee)
        self.whole_args(node)
        return NONE

    def macros_called(self, callee: nodes.Node) -> list[list[str]]:
        if isinstance(callee, nodes.Name):
            return self.macros.get(callee.name, [])
        if isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name) and callee.node.name in self.namespaces:
            return self.macros.get(callee.attr, [])
        return []


def _elements(found: frozenset[str]) -> frozenset[str]:
    """What iterating a value that may be `found` yields."""
    return frozenset({VIEW, VIEWS}) if VIEWS in found else NONE
