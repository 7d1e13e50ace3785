"""Text people typed, shown as text: escaped first, then web addresses made links, then line breaks.

Escaping comes first, so markup in the text is shown, never run; the link pattern reads the escaped
text and ends at any escaped quote or angle bracket, so an address cannot break out of its href.
Links carry rel="nofollow noopener" and open nothing but http(s).
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# After escaping, "&" only appears as an entity: "&amp;" belongs to an address, any other entity
# (&lt; &gt; &quot; &#x27;) ends it.
_URL = re.compile(r"\bhttps?://(?:[^\s&]|&amp;)+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    return f'<a href="{url}" rel="nofollow noopener" class="wrap-anywhere">{url}</a>{tail}'


@register.filter(is_safe=True)
def prose(value) -> SafeString:
    """Free text for a page: escaped, http(s) addresses linked, line breaks kept."""
    text = escape("" if value is None else str(value))
    text = _URL.sub(_link, text)
    return mark_safe(text.replace("\r\n", "\n").replace("\n", "<br>"))
