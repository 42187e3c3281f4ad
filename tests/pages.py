"""Reading pages as a browser would: what a form on a page would submit."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], dict[str, list[str]]]] = []
        self._select: str | None = None
        self._picked = False  # the select has an option marked selected
        self._first: str | None = None  # else the browser sends its first option
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name and self.forms:
            self.forms[-1][1].setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a, {}))
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._add(a.get("name"), a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select, self._picked, self._first = a.get("name"), False, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self._picked = True
                self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            if self._select and not self._picked and self._first is not None:
                self._add(self._select, self._first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea][-1] += data


def form_data(html: str, action: str | None = None) -> dict[str, str | list[str]]:
    """What submitting a POST form of the page unchanged sends: hidden fields, filled
    fields, checked boxes, selected options. The form posting to `action`, or by default
    the one posting back to the page itself."""
    parser = _Forms()
    parser.feed(html)
    for attrs, values in parser.forms:
        if attrs.get("method", "").lower() != "post":
            continue
        if attrs.get("action", "") == (action or ""):
            return {k: v[0] if len(v) == 1 else v for k, v in values.items()}
    raise AssertionError(f"no POST form to {action!r} on the page")


def form_as_posted(html: str, **filled: object) -> dict[str, str | list[str]]:
    """What the page's own form sends when the user fills in `filled` and leaves the rest."""
    return {**form_data(html), **{k: str(v) for k, v in filled.items()}}
