"""`{{ value|page_datetime }}`: the pages' one date-and-time format, the zone
always named (core/formats.page_datetime: Django's `|date:"DATETIME_FORMAT"`
leaves the zone out during the hour the clocks repeat). A builtin
(settings.TEMPLATES), so every template has it without `{% load %}`."""

from django import template

from authorizations.core import formats

register = template.Library()
register.filter("page_datetime", formats.page_datetime)
