"""The shape of a listing change and of a seller, checked over a whole batch at once.

Not a DRF serializer per item (0.3-0.6 ms each, which capped the ingest path): one pass of plain
checks per field over the batch, with DRF's messages, so an item's errors read as before. An item's
errors are {field: [messages]}; a batch's are by position. Strings are stripped, as DRF does.

Keys the schema does not know are ignored (as the serializers did), except keys another app
registered (`ingest_key_register`, from its AppConfig.ready): those are checked by its function
and handed, per written listing, to the receivers of `listings_ingested` (its `extras`).
"""

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_LISTING_ITEMS = 10_000  # per call or stream batch (the JSON body keeps its 1,000 per list)

REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."
NOT_STRING = "Not a valid string."

_COUNTRY = re.compile(r"[A-Z]{2}").fullmatch
# Most prices: plain digits with at most two decimals, read without building a Decimal first.
_PLAIN_PRICE = re.compile(r"(\d{1,10})(?:\.(\d{1,2}))?").fullmatch
_CURRENCY = re.compile(r"[A-Z]{3}").fullmatch
_url_valid = URLValidator()

NOT_JSON = object()  # json_lines' answer for a line that is not one JSON value
_scan = json.JSONDecoder().scan_once
_JSON_SPACE = " \t\r"


def json_lines(lines: list[str]) -> list:
    """Each line's one JSON value (NOT_JSON for a line that is not exactly one), as json.loads reads
    a line, with the scanner called on the lines joined once rather than json.loads per line: 24 ms
    for 10,000 listing changes, against 35 ms (measured). Each value must end where its line does,
    so no value runs into the next line. (Parsing "[" + ",".join(lines) + "]" at once was faster,
    but three lines that are not JSON can read as three objects together: a string opened on one
    line and closed on the next, and a line holding two objects.)"""
    text = "\n".join(lines)
    out, start = [], 0
    for line in lines:
        stop = start + len(line)
        pos = start
        while pos < stop and text[pos] in _JSON_SPACE:
            pos += 1
        try:
            value, end = _scan(text, pos)
        except (StopIteration, ValueError):
            value, end = NOT_JSON, stop
        if end != stop and text[end:stop].strip(_JSON_SPACE):
            value = NOT_JSON
        elif end > stop:  # (a value over two lines would need a newline inside it: none in JSON)
            value = NOT_JSON
        out.append(value)
        start = stop + 1
    return out


# name -> check(value) returning (value to pass on, error message or None)
_EXTRA_KEYS: dict[str, Callable[[object], tuple[object, str | None]]] = {}


def ingest_key_register(name: str, check: Callable[[object], tuple[object, str | None]]) -> None:
    """An app above listings accepts an optional key on each listing change (say `images`): its
    value is checked by `check` and passed on in `listings_ingested`'s `extras`."""
    if name in _LISTING_FIELDS or name == "seller_external_id":
        raise ValueError(f"{name} is a listing field")
    _EXTRA_KEYS[name] = check


def _text(item: dict, name: str, errors: dict, *, max_length: int, required: bool = True,
          blank: bool = False, default: str = "") -> str | None:
    if name not in item:
        if required:
            errors[name] = [REQUIRED]
            return None
        return default
    value = item[name]
    if value is None:
        errors[name] = [NULL]
        return None
    if value.__class__ is not str:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            errors[name] = [NOT_STRING]
            return None
        value = str(value)  # DRF's CharField takes numbers too
    value = value.strip()
    if "\x00" in value:  # PostgreSQL cannot store it (what DRF's ProhibitNullCharactersValidator refuses)
        errors[name] = ["Null characters are not allowed."]
        return None
    if not value and not blank:
        errors[name] = [BLANK]
        return None
    if len(value) > max_length:
        errors[name] = [f"Ensure this field has no more than {max_length} characters."]
        return None
    return value


def _pattern(item: dict, name: str, errors: dict, match, *, max_length: int, required: bool = True,
             default: str = "") -> str | None:
    value = _text(item, name, errors, max_length=max_length, required=required, default=default)
    if value is not None and name in item and not match(value):
        errors[name] = ["This value does not match the required pattern."]
        return None
    return value


def _price(item: dict, errors: dict) -> Decimal | None:
    if "price" not in item:
        errors["price"] = [REQUIRED]
        return None
    raw = item["price"]
    if raw.__class__ is str and (plain := _PLAIN_PRICE(raw)):
        whole, cents = plain.groups()
        return Decimal(f"{int(whole)}.{(cents or '').ljust(2, '0')}")
    if raw is None:
        errors["price"] = [NULL]
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        errors["price"] = ["A valid number is required."]
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors["price"] = ["A valid number is required."]
        return None
    if not value.is_finite():
        errors["price"] = ["A valid number is required."]
        return None
    _, digits, exponent = value.as_tuple()
    decimals = -exponent if exponent < 0 else 0
    whole = len(digits) - decimals if exponent < 0 else len(digits) + exponent
    if decimals > 2:
        errors["price"] = ["Ensure that there are no more than 2 decimal places."]
    elif whole > 10:
        errors["price"] = ["Ensure that there are no more than 10 digits before the decimal point."]
    elif value < 0:
        errors["price"] = ["Ensure this value is greater than or equal to 0."]
    else:
        return value.quantize(Decimal("0.01"))
    return None


def _url(item: dict, errors: dict) -> str | None:
    value = _text(item, "url", errors, max_length=200, required=False, blank=True)
    if value:
        try:
            _url_valid(value)
        except ValidationError:
            errors["url"] = ["Enter a valid URL."]
            return None
    return value


_LISTING_FIELDS = ("external_id", "title", "description", "brand_name", "ships_from", "price", "currency", "url")


def listing_item_check(item) -> tuple[dict | None, dict]:
    """One listing change: (the cleaned fields, with `seller_external_id` and `extras`, or None;
    its errors by field)."""
    if not isinstance(item, dict):
        return None, {"non_field_errors": ["Invalid data. Expected a dictionary."]}
    errors: dict[str, list[str]] = {}
    clean = {
        "external_id": _text(item, "external_id", errors, max_length=64),
        "seller_external_id": _text(item, "seller_external_id", errors, max_length=64),
        "title": _text(item, "title", errors, max_length=300),
        "description": _text(item, "description", errors, max_length=10_000, required=False, blank=True),
        "brand_name": _text(item, "brand_name", errors, max_length=200, required=False, blank=True),
        "ships_from": _pattern(item, "ships_from", errors, _COUNTRY, max_length=2),
        "price": _price(item, errors),
        "currency": _pattern(item, "currency", errors, _CURRENCY, max_length=3, required=False, default="USD"),
        "url": _url(item, errors),
    }
    extras = {}
    if _EXTRA_KEYS:
        for name, check in _EXTRA_KEYS.items():
            if name in item:
                value, message = check(item[name])
                if message:
                    errors[name] = [message]
                else:
                    extras[name] = value
    clean["extras"] = extras
    return (None if errors else clean), errors


def seller_item_check(item) -> tuple[dict | None, dict]:
    if not isinstance(item, dict):
        return None, {"non_field_errors": ["Invalid data. Expected a dictionary."]}
    errors: dict[str, list[str]] = {}
    clean = {"external_id": _text(item, "external_id", errors, max_length=64),
             "name": _text(item, "name", errors, max_length=200),
             "country": _pattern(item, "country", errors, _COUNTRY, max_length=2)}
    return (None if errors else clean), errors


def batch_check(items: list, check) -> tuple[dict[int, dict], dict[int, dict]]:
    """Every item of a batch: ({position: cleaned}, {position: errors by field})."""
    valid: dict[int, dict] = {}
    errors: dict[int, dict] = {}
    for index, item in enumerate(items):
        clean, problems = check(item)
        if clean is None:
            errors[index] = problems
        else:
            valid[index] = clean
    return valid, errors
