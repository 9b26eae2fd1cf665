"""Markdown → sanitised HTML, done once when content is stored (never per page view)."""

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "hr", "br",
    "table", "thead", "tbody", "tr", "th", "td", "a", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}}


def render(markdown_text):
    """Sanitised HTML: raw HTML in the source is shown as text, and anything that survives
    rendering is filtered again by nh3 (no scripts, no event handlers, only safe link schemes)."""
    html = _md.render(markdown_text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", filter_style_properties={"text-align"})


def plain_text(markdown_text):
    """The words of a Markdown text, for search."""
    text = re.sub(r"[#>*_`|\-]+", " ", markdown_text)
    return re.sub(r"\s+", " ", text).strip()
