"""The API's side of the one choke point: every queryset comes from ``restrict``."""

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from casework.permissions import Action
from casework.selectors import log_denial_if_exists


def generating_schema(view) -> bool:
    """True on the schema generator's stand-in views, which have no caller and must see no rows."""
    return getattr(view, "swagger_fake_view", False)


def action_for(request) -> Action:
    return Action.VIEW if request.method in SAFE_METHODS else Action.CHANGE


class RestrictedViewSet(viewsets.GenericViewSet):
    """Declares ``model``; rows are ``model.objects.restrict(user, action)`` and nothing else."""

    model = None
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def get_object(self):
        """The usual lookup; a miss on a row that exists elsewhere is logged as a denial (same 404)."""
        try:
            return super().get_object()
        except Http404:
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            if self.model is not None and lookup:
                try:
                    log_denial_if_exists(self.model, lookup, user=self.request.user, action=action_for(self.request))
                except (ValueError, ValidationError):  # not even a well-formed id
                    pass
            raise

    def get_queryset(self):
        if generating_schema(self):
            return self.model.objects.none()
        queryset = self.model.objects.restrict(self.request.user, action_for(self.request))
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset
