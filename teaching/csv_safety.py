"""Writing spreadsheet-safe CSV: cells that a spreadsheet would run as a formula are
neutralized (OWASP "CSV injection")."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def spreadsheet_safe(value) -> str:
    """The cell as text, prefixed with an apostrophe when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text
