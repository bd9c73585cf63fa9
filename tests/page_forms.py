"""The values a browser would send from the forms on a page, read from its HTML."""

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.buttons: dict[str, list[str]] = {}
        self._select = None
        self._select_first = None
        self._textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._add(name, attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self.buttons.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self._add(self._select, value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self.values[self._select] and self._select_first:
                self.values[self._select].append(self._select_first)
            self._select = None


def form_values(html: str) -> dict[str, list[str]]:
    """Every named field of every form on the page with the value(s) it would be sent with."""
    parser = _Fields()
    parser.feed(html)
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


def submit_values(html: str) -> dict[str, list[str]]:
    """What each named submit button would send (a case's actions), disabled ones included:
    a browser sends the one clicked, anyone else may send any."""
    parser = _Fields()
    parser.feed(html)
    return parser.buttons
