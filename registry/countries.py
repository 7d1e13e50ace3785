"""ISO 3166-1 alpha-2 country codes and their English short names, from django-countries.

Only the two-letter codes are stored (brands, protection rules, described rights); the names are
labels and follow the library's updates of ISO 3166-1 (Nauru became Naoero in 2026). Codes
outside ISO 3166-1, such as Kosovo's XK, are refused.
"""

from django_countries import countries

# Sorted by name, accents ignored. Built once at import, like the form fields that use it (so after
# the app registry is ready: the names are translatable strings); the portal is in English only.
COUNTRY_CHOICES: list[tuple[str, str]] = [(code, name) for code, name in countries]


def is_country(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code as stored: upper case, not alpha-3 or numeric."""
    return code in countries
