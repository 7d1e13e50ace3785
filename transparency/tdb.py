"""The DSA Transparency Database's vocabulary, as its code defines it (repository
digital-services-act/transparency-database: app/Models/Statement.php constants,
app/Services/EuropeanCountriesService.php, and the batch endpoint's rules in
app/Services/GroupedSubmissionsService.php `multi_rules`). Only the values this portal uses are
named; the test validator (tests/transparency/tdb_rules.py) holds the full rules."""

# Statement::DECISION_VISIBILITIES
VISIBILITY_REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED"
VISIBILITY_DISABLED = "DECISION_VISIBILITY_CONTENT_DISABLED"
# Statement::DECISION_ACCOUNTS, DECISION_PROVISIONS, ACCOUNT_TYPES
ACCOUNT_SUSPENDED = "DECISION_ACCOUNT_SUSPENDED"
PROVISION_PARTIAL_SUSPENSION = "DECISION_PROVISION_PARTIAL_SUSPENSION"
ACCOUNT_TYPE_BUSINESS = "ACCOUNT_TYPE_BUSINESS"
# Statement::DECISION_GROUNDS
GROUND_ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
GROUND_INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
# Statement::CONTENT_TYPES
CONTENT_PRODUCT = "CONTENT_TYPE_PRODUCT"
CONTENT_IMAGE = "CONTENT_TYPE_IMAGE"
CONTENT_TEXT = "CONTENT_TYPE_TEXT"
# Statement::STATEMENT_CATEGORIES and KEYWORDS
CATEGORY_IP = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
KEYWORD_FOR_KIND = {
    "trademark": "KEYWORD_TRADEMARK_INFRINGEMENT",
    "copyright": "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "patent": "KEYWORD_PATENT_INFRINGEMENT",
    "design": "KEYWORD_DESIGN_INFRINGEMENT",
}
# Statement::SOURCE_TYPES
SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
SOURCE_TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER"
SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"
# Statement::AUTOMATED_DETECTIONS (plain values) and AUTOMATED_DECISIONS (keys)
YES, NO = "Yes", "No"
DECISION_FULLY = "AUTOMATED_DECISION_FULLY"
DECISION_PARTIALLY = "AUTOMATED_DECISION_PARTIALLY"
DECISION_NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED"

# EuropeanCountriesService::EUROPEAN_ECONOMIC_AREA_COUNTRY_CODES (= EUROPEAN_COUNTRY_CODES, the
# values territorial_scope accepts). Greece is GR, as the database spells it (not EL).
EEA_COUNTRY_CODES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT",
    "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)

# Field lengths (multi_rules: max:N on strings).
MAX_LEGAL_GROUND = 500
MAX_EXPLANATION = 2000
MAX_FACTS = 5000
MAX_SOURCE_IDENTITY = 500
MAX_PUID = 500
# puid: 'regex:/^[a-zA-Z0-9-_]+$/D'
PUID_PATTERN = r"^[a-zA-Z0-9_-]+$"
# A batch: 'statements' => 'required|array|between:1,100' (StatementMultipleAPIController::store).
MAX_BATCH = 100
