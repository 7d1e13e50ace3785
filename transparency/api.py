"""GET /api/v1/transparency/statements/: the statements of reasons, paged, for the marketplace's
service account (token) and reviewers. Same statements as the export."""

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination

from accounts.permissions import is_marketplace, is_reviewer

from .selectors import statement_build, statement_records
from .statements import StatementError


class StatementOut(serializers.Serializer):
    puid = serializers.CharField()
    applied_at = serializers.DateTimeField()
    submission_status = serializers.CharField(source="status")
    uuid = serializers.CharField(help_text="The database's id, once accepted")
    statement = serializers.SerializerMethodField()

    def get_statement(self, record) -> dict:
        try:
            return statement_build(record).payload
        except StatementError as exc:
            raise ValidationError({"statement": [str(exc)]}) from exc


def _day(value: str | None, name: str):
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.combine(date.fromisoformat(value), time.min),
                                   timezone.get_fixed_timezone(0))
    except ValueError as exc:
        raise ValidationError({name: [f"Use a date like 2026-01-31, not {value!r}."]}) from exc


class StatementPages(PageNumberPagination):
    page_size = 100  # a batch of the database's API
    page_size_query_param = "page_size"
    max_page_size = 1000


class StatementListApi(ListAPIView):
    serializer_class = StatementOut
    pagination_class = StatementPages

    def check_permissions(self, request):
        super().check_permissions(request)
        # The role checks of accounts.permissions: the marketplace's account or a reviewer.
        if not (is_marketplace(request.user) or is_reviewer(request.user)):
            raise PermissionDenied("Statements of reasons are for the marketplace's service account and reviewers.")

    def get_queryset(self):
        params = self.request.query_params
        return statement_records(since=_day(params.get("since"), "since"), until=_day(params.get("until"), "until"))

    @extend_schema(
        summary="List statements of reasons (DSA Transparency Database format)",
        parameters=[OpenApiParameter("since", str, description="First day, YYYY-MM-DD (UTC)"),
                    OpenApiParameter("until", str, description="Day after the last, YYYY-MM-DD (UTC)")],
        responses={200: StatementOut(many=True),
                   400: OpenApiResponse(inline_serializer("StatementListErrors", fields={
                       "since": serializers.ListField(child=serializers.CharField())}), description="Bad date"),
                   401: OpenApiResponse(description="No or bad token"),
                   403: OpenApiResponse(description="Neither the marketplace's account nor a reviewer")},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
