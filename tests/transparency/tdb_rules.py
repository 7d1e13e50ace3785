"""A validator for one statement of the DSA Transparency Database's batch API, written from its
published rules (repository digital-services-act/transparency-database):

- app/Services/GroupedSubmissionsService.php `multi_rules()` — the rules each statement of
  `POST /api/v1/statements` is validated with (cited per rule below as [multi_rules]);
- app/Http/Controllers/Api/v1/StatementMultipleAPIController.php `store()` — 'statements' =>
  'required|array|between:1,100', and puids unique within the call [store];
- app/Models/Statement.php — the allowed keys (DECISION_VISIBILITIES, DECISION_MONETARIES,
  DECISION_PROVISIONS, DECISION_ACCOUNTS, ACCOUNT_TYPES, DECISION_GROUNDS,
  INCOMPATIBLE_CONTENT_ILLEGALS, CONTENT_TYPES, STATEMENT_CATEGORIES, KEYWORDS, SOURCE_TYPES,
  AUTOMATED_DETECTIONS, AUTOMATED_DECISIONS) [Statement];
- app/Services/EuropeanCountriesService.php EUROPEAN_COUNTRY_CODES [countries].

Written here by hand from those files, not imported from the portal: a test of the portal against
its own constants would prove nothing. Laravel semantics kept: 'required' fails on null, "" and [];
'nullable' lets null through; 'in:null,…' also accepts the string "null"; 'exclude_unless' drops
the field (it is then not checked); 'max:N' on a string counts characters."""

import re
from datetime import date

DECISION_VISIBILITIES = {  # [Statement]
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
}
DECISION_MONETARIES = {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
DECISION_PROVISIONS = {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
                       "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"}
DECISION_ACCOUNTS = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
ACCOUNT_TYPES = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
DECISION_GROUNDS = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
INCOMPATIBLE_CONTENT_ILLEGALS = {"Yes", "No"}
CONTENT_TYPES = {"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
                 "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"}
STATEMENT_CATEGORIES = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
}
# [Statement] KEYWORDS: the intellectual-property ones and KEYWORD_OTHER are what this portal may
# send; any other keyword is valid for the database too, listed for completeness of the rule.
KEYWORDS = {
    "KEYWORD_ANIMAL_HARM", "KEYWORD_ADULT_SEXUAL_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS", "KEYWORD_BIOMETRIC_DATA_BREACH", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS", "KEYWORD_COORDINATED_HARM", "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_DANGEROUS_TOYS", "KEYWORD_DATA_FALSIFICATION", "KEYWORD_DEFAMATION", "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION", "KEYWORD_DISINFORMATION", "KEYWORD_FOREIGN_INFORMATION_MANIPULATION",
    "KEYWORD_GENDER_BASED_VIOLENCE", "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS", "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS", "KEYWORD_HATE_SPEECH", "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_ILLEGAL_ORGANIZATIONS", "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS", "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS", "KEYWORD_LANGUAGE_REQUIREMENTS", "KEYWORD_MISINFORMATION",
    "KEYWORD_MISSING_PROCESSING_GROUND", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE", "KEYWORD_NUDITY", "KEYWORD_ONLINE_BULLYING_INTIMIDATION",
    "KEYWORD_PATENT_INFRINGEMENT", "KEYWORD_PHISHING", "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_REGULATED_GOODS_SERVICES", "KEYWORD_RIGHT_TO_BE_FORGOTTEN", "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH", "KEYWORD_SELF_MUTILATION", "KEYWORD_STALKING", "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT", "KEYWORD_TRADE_SECRET_INFRINGEMENT", "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS", "KEYWORD_UNSAFE_CHALLENGES", "KEYWORD_OTHER",
}
SOURCE_TYPES = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED_DETECTIONS = {"Yes", "No"}  # [Statement] a plain list: the values, not keys
AUTOMATED_DECISIONS = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
EUROPEAN_COUNTRY_CODES = {  # [countries]
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI",
    "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
}
PUID = re.compile(r"^[a-zA-Z0-9-_]+$")  # [multi_rules] 'regex:/^[a-zA-Z0-9-_]+$/D' (D: no final newline)


def _present(v) -> bool:
    """Laravel's 'required': not null, not an empty string, not an empty array."""
    return v is not None and v != "" and v != []


def _date(v, *, after_or_equal=None, before_or_equal="2038-01-01") -> str | None:
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return "does not match the format YYYY-MM-DD"
    try:
        d = date.fromisoformat(v)
    except ValueError:
        return "is not a date"
    if after_or_equal and d < date.fromisoformat(after_or_equal):
        return f"must be on or after {after_or_equal}"
    if before_or_equal and d > date.fromisoformat(before_or_equal):
        return f"must be on or before {before_or_equal}"
    return None


def _in(v, allowed: set, *, nullable_literal=False) -> bool:
    return v in allowed or (nullable_literal and v == "null")


def validate_statement(s: dict) -> dict[str, str]:
    """Errors by field ({} when the database would accept the statement)."""
    e: dict[str, str] = {}

    def maxlen(name, n):
        v = s.get(name)
        if v is not None and (not isinstance(v, str) or len(v) > n):
            e[name] = f"must be a string of at most {n} characters"

    vis, mon, prov, acc = (s.get(k) for k in ("decision_visibility", "decision_monetary", "decision_provision",
                                               "decision_account"))
    # [multi_rules] each of the four: 'required_without_all' the other three — at least one given.
    if not any(_present(x) for x in (vis, mon, prov, acc)):
        e["decision_visibility"] = "one of decision_visibility, _monetary, _provision, _account is required"
    # decision_visibility: 'array', 'in:null,<DECISION_VISIBILITIES>', 'nullable'
    if vis is not None:
        if not isinstance(vis, list) or not all(_in(x, DECISION_VISIBILITIES, nullable_literal=True) for x in vis):
            e["decision_visibility"] = "must be an array of DECISION_VISIBILITY_* keys"
    # decision_visibility_other: 'max:500', required (and only kept) if visibility has OTHER
    vis_other = isinstance(vis, list) and "DECISION_VISIBILITY_OTHER" in vis
    if vis_other and not _present(s.get("decision_visibility_other")):
        e["decision_visibility_other"] = "required when decision visibility is other"
    if vis_other:
        maxlen("decision_visibility_other", 500)
    # decision_monetary: 'in:null,<DECISION_MONETARIES>', 'nullable'; _other required_if OTHER, max:500
    if mon is not None and not _in(mon, DECISION_MONETARIES, nullable_literal=True):
        e["decision_monetary"] = "not a DECISION_MONETARY_* key"
    if mon == "DECISION_MONETARY_OTHER":
        if not _present(s.get("decision_monetary_other")):
            e["decision_monetary_other"] = "required when decision monetary is other"
        maxlen("decision_monetary_other", 500)
    if prov is not None and not _in(prov, DECISION_PROVISIONS, nullable_literal=True):
        e["decision_provision"] = "not a DECISION_PROVISION_* key"
    if acc is not None and not _in(acc, DECISION_ACCOUNTS, nullable_literal=True):
        e["decision_account"] = "not a DECISION_ACCOUNT_* key"
    # account_type: 'in:null,<ACCOUNT_TYPES>', 'nullable'
    if s.get("account_type") is not None and not _in(s["account_type"], ACCOUNT_TYPES, nullable_literal=True):
        e["account_type"] = "not an ACCOUNT_TYPE_* key"
    # category_specification: 'array', 'in:null,<KEYWORDS>', 'nullable'; _other: 'max:500'
    spec = s.get("category_specification")
    if spec is not None and (not isinstance(spec, list)
                             or not all(_in(x, KEYWORDS, nullable_literal=True) for x in spec)):
        e["category_specification"] = "must be an array of KEYWORD_* keys"
    maxlen("category_specification_other", 500)
    # decision_ground: 'required', 'in:<DECISION_GROUNDS>'
    ground = s.get("decision_ground")
    if not _present(ground) or ground not in DECISION_GROUNDS:
        e["decision_ground"] = "required, one of DECISION_GROUNDS"
    # decision_ground_reference_url: 'url', 'nullable', 'max:500'
    url = s.get("decision_ground_reference_url")
    if url is not None and not (isinstance(url, str) and re.match(r"^https?://\S+$", url) and len(url) <= 500):
        e["decision_ground_reference_url"] = "must be a URL of at most 500 characters"
    # illegal_content_*: required_if ILLEGAL (legal ground max:500, explanation max:2000)
    if ground == "DECISION_GROUND_ILLEGAL_CONTENT":
        for name, n in (("illegal_content_legal_ground", 500), ("illegal_content_explanation", 2000)):
            if not _present(s.get(name)):
                e[name] = "required when decision ground is illegal content"
            else:
                maxlen(name, n)
    # incompatible_content_*: required_if INCOMPATIBLE (ground max:500, explanation max:2000);
    # incompatible_content_illegal: 'in:Yes,No' (checked only for INCOMPATIBLE: exclude_unless)
    if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        for name, n in (("incompatible_content_ground", 500), ("incompatible_content_explanation", 2000)):
            if not _present(s.get(name)):
                e[name] = "required when decision ground is incompatible content"
            else:
                maxlen(name, n)
        ill = s.get("incompatible_content_illegal")
        if ill is not None and ill not in INCOMPATIBLE_CONTENT_ILLEGALS:
            e["incompatible_content_illegal"] = "must be Yes or No"
    # content_type: 'array', 'required', 'in:<CONTENT_TYPES>'; _other: required (only) with OTHER, max:500
    ct = s.get("content_type")
    if not _present(ct) or not isinstance(ct, list) or not all(x in CONTENT_TYPES for x in ct):
        e["content_type"] = "required array of CONTENT_TYPE_* keys"
    if isinstance(ct, list) and "CONTENT_TYPE_OTHER" in ct:
        if not _present(s.get("content_type_other")):
            e["content_type_other"] = "required when content is other"
        maxlen("content_type_other", 500)
    # category: 'required', 'in:<STATEMENT_CATEGORIES>'; category_addition: 'array', 'in:…'
    if not _present(s.get("category")) or s.get("category") not in STATEMENT_CATEGORIES:
        e["category"] = "required, one of STATEMENT_CATEGORIES"
    add = s.get("category_addition")
    if add is not None and (not isinstance(add, list) or not all(x in STATEMENT_CATEGORIES for x in add)):
        e["category_addition"] = "must be an array of STATEMENT_CATEGORY_* keys"
    # territorial_scope: 'array', 'nullable', 'in:<EUROPEAN_COUNTRY_CODES>'
    ts = s.get("territorial_scope")
    if ts is not None and (not isinstance(ts, list) or not all(x in EUROPEAN_COUNTRY_CODES for x in ts)):
        e["territorial_scope"] = "must be an array of EEA country codes"
    # content_date: 'required', 'date_format:Y-m-d', 'after_or_equal:2000-01-01', 'before_or_equal:2038-01-01'
    if not _present(s.get("content_date")):
        e["content_date"] = "required"
    elif err := _date(s["content_date"], after_or_equal="2000-01-01"):
        e["content_date"] = err
    # application_date: 'required', 'date_format:Y-m-d', 'after_or_equal:2020-01-01', 'before_or_equal:2038-01-01'
    if not _present(s.get("application_date")):
        e["application_date"] = "required"
    elif err := _date(s["application_date"], after_or_equal="2020-01-01"):
        e["application_date"] = err
    # end_date_*_restriction: 'date_format:Y-m-d', 'nullable', 'before_or_equal:2038-01-01'
    for name in ("end_date_account_restriction", "end_date_monetary_restriction", "end_date_service_restriction",
                 "end_date_visibility_restriction"):
        if s.get(name) is not None and (err := _date(s[name])):
            e[name] = err
    # decision_facts: 'required', 'max:5000'
    if not _present(s.get("decision_facts")):
        e["decision_facts"] = "required"
    else:
        maxlen("decision_facts", 5000)
    # source_type: 'required', 'in:<SOURCE_TYPES>'; source_identity: 'max:500', 'nullable'
    if not _present(s.get("source_type")) or s.get("source_type") not in SOURCE_TYPES:
        e["source_type"] = "required, one of SOURCE_TYPES"
    maxlen("source_identity", 500)
    # automated_detection: 'required', 'in:Yes,No'; automated_decision: 'required', 'in:<keys>'
    if s.get("automated_detection") not in AUTOMATED_DETECTIONS:
        e["automated_detection"] = "required, Yes or No"
    if s.get("automated_decision") not in AUTOMATED_DECISIONS:
        e["automated_decision"] = "required, one of AUTOMATED_DECISIONS"
    # puid: 'required', 'max:500', 'regex:/^[a-zA-Z0-9-_]+$/D'
    puid = s.get("puid")
    if not _present(puid) or not isinstance(puid, str) or len(puid) > 500 or not PUID.fullmatch(puid):
        e["puid"] = "required, at most 500 of a-z A-Z 0-9 - _"
    return e


def validate_batch(statements: list[dict]) -> dict[str, dict[str, str]]:
    """[store] 1 to 100 statements, each valid, puids unique within the call. Errors keyed as the
    database keys them: statement_<index>."""
    errors: dict[str, dict[str, str]] = {}
    if not 1 <= len(statements) <= 100:
        errors["statements"] = {"statements": "must have between 1 and 100 items"}
    for i, s in enumerate(statements):
        if mine := validate_statement(s):
            errors[f"statement_{i}"] = mine
    puids = [s.get("puid") for s in statements]
    if len(set(puids)) != len(puids):
        errors["puid"] = {"puid": "The platform identifier(s) are not all unique within this call."}
    return errors
