"""Words for people: a count with its noun in the right number ("1 case", "7 cases")."""


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """`n` and the noun, singular for exactly one: plural(7, "case") == "7 cases"."""
    return f"{n:,} {singular if n == 1 else (plural_form or singular + 's')}"
