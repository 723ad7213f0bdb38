"""The API's side of the one choke point: every row a viewset touches comes from the access module."""

from rest_framework import mixins, viewsets
from rest_framework.response import Response

from audit.access import API, record_accesses
from casework.access import get_for_user, restrict
from casework.permissions import Action
from config.api.viewsets import generating_schema, is_safe


class RestrictedViewSet(viewsets.GenericViewSet):
    """Declares ``model`` (and what to join); rows are ``restrict(user, action)`` and nothing else.

    ``required_actions`` names the ``Action`` each viewset action needs (as NetBox's ``BaseViewSet``
    maps methods to permissions); an action not listed needs ``VIEW`` when the method is safe and
    ``CHANGE`` otherwise.
    """

    model = None
    select_related: tuple = ()
    prefetch_related: tuple = ()
    required_actions: dict[str, Action] = {}

    def required_action(self) -> Action:
        mapped = self.required_actions.get(getattr(self, "action", None))
        return mapped or (Action.VIEW if is_safe(self.request) else Action.CHANGE)

    def base_queryset(self):
        """The model's rows with their joins, before the choke point."""
        queryset = self.model.objects.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_queryset(self):
        if generating_schema(self):
            return self.model.objects.none()
        return restrict(self.base_queryset(), user=self.request.user, action=self.required_action())

    def get_object(self):
        """The row named in the URL, through ``get_for_user`` (a miss on another's row is logged)."""
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return get_for_user(self.base_queryset(), user=self.request.user, pk=lookup, action=self.required_action())


class LoggedReadsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RestrictedViewSet):
    """List and retrieve, writing one access entry per object returned (SPEC, Audit: every read of
    case content, a share or a shared record), in one insert whatever the page size."""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        record_accesses(page.object_list if page else [], actor=request.user, channel=API)
        return response

    def retrieve(self, request, *args, **kwargs):
        found = self.get_object()
        record_accesses([found], actor=request.user, channel=API)
        return Response(self.get_serializer(found).data, headers=self.retrieve_headers(found))

    def retrieve_headers(self, found) -> dict:
        return {}
