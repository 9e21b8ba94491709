"""A griffe extension for the docs build: Sphinx roles become links.

The docstrings cite other objects the Sphinx way (``:class:`~a.b.C```,
``:meth:`send```, ``:mod:`assistant_ui.protocol```), which Markdown would
print as is. Each role is rewritten into an *optional* autorefs link: a
target the reference documents becomes a link, any other (a private module)
stays code text without a warning, so ``mkdocs build --strict`` passes.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from typing import Any

from griffe import Extension, Object

# reST's literal-block marker: "Example::" shows as "Example:", a lone "::"
# line disappears; the indented block after it is a code block in Markdown too.
_LITERAL_MARKER = re.compile(r"(?m)^(\s*\S.*?):(:)[ \t]*$")
_LONE_MARKER = re.compile(r"(?m)^[ \t]*::[ \t]*\n")
_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj|const):`(~?)([^`<]+?)`")


def _resolve(target: str, obj: Object) -> str:
    """The full path of a role's target, read the way Sphinx reads it."""
    if target.startswith("."):
        target = target.lstrip(".")
    if "." in target and target.split(".", 1)[0] in {"assistant_ui", "httpx", "typing"}:
        return target
    # A short name: a member of the class or module the docstring is on, or
    # of the class/module that holds it.
    scope: Any = obj
    while scope is not None:
        head = target.split(".", 1)[0]
        if head in _members(scope):
            return f"{scope.path}.{target}"
        scope = scope.parent
    return target


def _link(match: re.Match[str], obj: Object) -> str:
    short, target = match.group(1), match.group(2).strip()
    path = _resolve(target.rstrip("()"), obj)
    title = target.rsplit(".", 1)[-1] if short else target
    return (
        f'<autoref identifier="{html.escape(path)}" optional>'
        f"<code>{html.escape(title)}</code></autoref>"
    )


def _members(scope: Any) -> Any:
    # Inherited members count too (ThreadClient's docstrings cite the
    # conversation methods it inherits).
    try:
        return scope.all_members if scope.is_class else scope.members
    except Exception:  # an alias that cannot be resolved
        return {}


def _walk(obj: Object) -> Iterator[Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)  # type: ignore[arg-type]


class SphinxRoles(Extension):
    """Rewrites Sphinx roles in every docstring of the loaded package.

    It runs once the whole package is loaded, so a short name can be looked
    up among the members of the class or module that holds the docstring.
    """

    def on_package(self, *, pkg: Object, **kwargs: Any) -> None:
        """Rewrites the roles of every docstring in the package."""
        for obj in _walk(pkg):
            if obj.docstring is not None and ":" in obj.docstring.value:
                text = _ROLE.sub(functools.partial(_link, obj=obj), obj.docstring.value)
                text = _LONE_MARKER.sub("", text)
                obj.docstring.value = _LITERAL_MARKER.sub(r"\1\2", text)
