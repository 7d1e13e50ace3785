"""English formats (settings.FORMAT_MODULE_PATH): Django's `date` filter with no format, the admin
and form widgets read the project's one date format (common.dates)."""

from common.dates import DAY, MOMENT

DATE_FORMAT = DAY
DATETIME_FORMAT = MOMENT
