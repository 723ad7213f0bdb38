"""Stored codes (sectors, data categories) shown as their translated labels."""

from django import template

from accounts.choices import Sector
from casework.choices import DataCategory

register = template.Library()


@register.filter
def sector_label(code: str) -> str:
    try:
        return Sector(code).label
    except ValueError:
        return code


@register.filter
def category_labels(codes) -> str:
    labels = []
    for code in codes or []:
        try:
            labels.append(str(DataCategory(code).label))
        except ValueError:
            labels.append(code)
    return ", ".join(labels)
