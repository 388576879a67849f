# The pages' one date and one date-and-time format (settings.FORMAT_MODULE_PATH):
# templates write `|date:"DATE_FORMAT"` and `|page_datetime` (core/formats.py), Python
# authorizations.core.formats.page_date and page_datetime. Letters have their
# own (core/formats.py): "November 28, 2026 at 1:34 p.m. EST".
DATE_FORMAT = "F j, Y"  # November 28, 2026
DATETIME_FORMAT = "F j, Y, g:i A T"  # November 28, 2026, 1:34 PM EST
