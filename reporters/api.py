"""REST API for bulk filers: evidence uploads, reports with many listings, status and decisions,
withdrawal.

The same services and checks as the forms (report_submit, evidence_accept); lists are filtered to
the caller's brands. Token authentication per user (accounts.tokens; the "API token" page).
"""

from django.conf import settings
from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsRightsHolder
from common.db import MAX_DB_INTEGER
from common.ratelimit import ApiAnonThrottle, ApiUserThrottle, ReportFilingThrottle, UploadThrottle
from complaints.models import UNDECIDED_STATES, Case, CaseState, Decision, Report, ReporterCapacity
from complaints.selectors import evidence_carriable, report_cases, report_get_for_user, reports_for_user
from complaints.services import ReportError, report_submit
from evidence.services import evidence_accept
from listings.selectors import listings_by_external_ids, parse_listing_refs
from registry.selectors import brands_for_user, rights_for_user
from registry.unregistered import SPECS as DESCRIBED_SPECS

from .services import WithdrawalError, report_withdraw

MAX_API_LISTINGS = 10_000


# A validation error: each field named by the request (or non_field_errors) with its messages; a
# list field's messages may be keyed by item. Any field may appear, so none is required.
Errors = {
    "type": "object", "description": "Messages per field of the request",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                       {"type": "object"}, {"type": "string"}]},
}
Detail = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
AUTH_ERRORS = {401: OpenApiResponse(Detail, description="No or bad token"),
               403: OpenApiResponse(Detail, description="Not a rights holder")}


# Evidence ---------------------------------------------------------------------------------

class EvidenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class EvidenceUploadApi(APIView):
    permission_classes = [IsRightsHolder]
    parser_classes = [MultiPartParser, FormParser]
    # A call carrying files counts against RATE_LIMITS["uploads"] with the upload forms.
    throttle_classes = [ApiUserThrottle, ApiAnonThrottle, UploadThrottle]

    @extend_schema(
        summary="Upload evidence files",
        description="Multipart field `files` (one or more). Checked by content: PDF, PNG, JPEG, WebP, plain "
                    "text, CSV. Pass the returned ids as `evidence` when filing the report. If any file is "
                    "refused, none is kept.",
        request={"multipart/form-data": inline_serializer("EvidenceUpload", fields={
            "files": serializers.ListField(child=serializers.FileField(), min_length=1)})},
        responses={201: EvidenceOut(many=True), 400: OpenApiResponse(Errors, description="Refused files"),
                   **AUTH_ERRORS},
    )
    def post(self, request: Request) -> Response:
        uploads = request.FILES.getlist("files")
        if not uploads:
            raise ValidationError({"files": ["Attach at least one file in the multipart field `files`."]})
        accepted = evidence_accept(uploaded_by=request.user, uploads=uploads)
        if accepted.refusals:
            from evidence.services import evidence_delete

            evidence_delete(files=accepted.stored, actor=request.user)
            raise ValidationError({"files": accepted.refusals})
        return Response(EvidenceOut(accepted.stored, many=True).data, status=status.HTTP_201_CREATED)


# Reports ----------------------------------------------------------------------------------

class Declarations(serializers.Serializer):
    good_faith = serializers.BooleanField(help_text="Good-faith belief the use is not authorized")
    accurate = serializers.BooleanField(help_text="The notice is accurate")
    authority = serializers.BooleanField(help_text="Under penalty of perjury: owner or authorized to act")


def _described_help() -> str:
    kinds = "; ".join(f"{kind}: " + ", ".join(f.name + ("" if f.required else " (optional)") for f in fields)
                      for kind, fields in DESCRIBED_SPECS.items())
    return ("Instead of `right`: a right that is not registered, created for the brand with the report; its cases "
            "go to the lowest review lane. Keys: brand (id of a brand you act for), kind, and the kind's fields — "
            f"{kinds}. Dates as YYYY-MM-DD, use_countries a list of ISO 3166-1 codes. A patent cannot be "
            "unregistered.")


class ReportIn(serializers.Serializer):
    right = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_INTEGER,
                                     help_text="Id of one of your brands' rights; its kind is the "
                                                               "report's type. Or give `unregistered_right`.")
    unregistered_right = serializers.DictField(required=False, help_text=_described_help())
    capacity = serializers.ChoiceField(choices=ReporterCapacity.choices)
    listings = serializers.ListField(child=serializers.CharField(max_length=500), min_length=1,
                                     max_length=MAX_API_LISTINGS,
                                     error_messages={"max_length": "More than {max_length} listings given; at most "
                                                                   "{max_length} per call."},
                                     help_text=f"Listing ids or URLs, up to {MAX_API_LISTINGS}; duplicates merged")
    explanation = serializers.CharField(max_length=10_000)
    contact_email = serializers.EmailField(max_length=254)
    infringement_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                              help_text="Trademark reports: counterfeit, mark_in_listing, "
                                                        "mark_on_packaging, other")
    details = serializers.DictField(required=False, default=dict,
                                    help_text="The kind's answers: trademark where_on_listing (list), "
                                              "test_buy_orders; patent claims, claim_reading; design "
                                              "copied_features; copyright original_work, original_location, "
                                              "copied_material")
    evidence = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_DB_INTEGER),
                                     required=False, default=list, max_length=settings.EVIDENCE_MAX_OWNER_FILES,
                                     help_text="Ids from POST /api/v1/evidence/")
    declarations = Declarations()
    signature = serializers.CharField(max_length=200, help_text="Your full name")

    def validate_right(self, value):
        right = rights_for_user(user=self.context["user"]).filter(pk=value).first()
        if right is None:
            raise serializers.ValidationError("No such right among your brands' rights.")
        return right

    def validate_unregistered_right(self, value):
        """Picks out the brand; the rest is checked by report_submit (registry.unregistered)."""
        value = dict(value)
        brand_id = value.pop("brand", None)
        brand = (brands_for_user(user=self.context["user"]).filter(pk=brand_id).first()
                 if isinstance(brand_id, int) and not isinstance(brand_id, bool) else None)
        if brand is None:
            raise serializers.ValidationError({"brand": ["Give the id of a brand you act for."]})
        return {"brand": brand, "right": value}

    def validate(self, attrs):
        if ("right" in attrs) == ("unregistered_right" in attrs):
            raise serializers.ValidationError({"right": ["Give `right` (the id of a registered right) or "
                                                         "`unregistered_right` (a description), not both."]})
        return attrs

    def validate_listings(self, value):
        refs = parse_listing_refs("\n".join(value))
        if len(refs) > MAX_API_LISTINGS:
            raise serializers.ValidationError(f"{len(refs)} listings given; at most {MAX_API_LISTINGS} per call.")
        found = {}
        for i in range(0, len(refs), 1000):
            found.update(listings_by_external_ids(ids=refs[i:i + 1000]))
        missing = [r for r in refs if r not in found]
        if missing:
            shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
            raise serializers.ValidationError(f"No listing found for: {shown}.")
        return [found[r] for r in refs]

    def validate_evidence(self, value):
        files = list(evidence_carriable(user=self.context["user"], draft=None).filter(pk__in=value).order_by("id"))
        if len(files) != len(set(value)):
            raise serializers.ValidationError("Unknown evidence id, or a file already filed with another report; "
                                              "upload it again.")
        return files


class LinkedCaseOut(serializers.Serializer):
    listing = serializers.CharField(source="listing.external_id")
    case = serializers.CharField(source="reference")
    # null when the case was opened by automatic detection (no report) and the report joined it.
    report = serializers.CharField(source="report.reference", allow_null=True, default=None)
    source = serializers.CharField(help_text="report, or automatic (opened by the brand's protection rules)")
    state = serializers.CharField()


class ReportSummaryOut(serializers.ModelSerializer):
    reference = serializers.CharField()
    brand = serializers.CharField(source="brand.name")
    cases = serializers.IntegerField(source="case_count", read_only=True)
    undecided = serializers.IntegerField(read_only=True)
    actioned = serializers.IntegerField(read_only=True)
    rejected = serializers.IntegerField(read_only=True)
    withdrawn = serializers.IntegerField(read_only=True)

    class Meta:
        model = Report
        fields = ["id", "reference", "kind", "brand", "right", "created_at", "withdrawn_at",
                  "cases", "undecided", "actioned", "rejected", "withdrawn"]


class ReportCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    right = serializers.IntegerField(help_text="The right relied on; for `unregistered_right`, the one created")
    cases_opened = serializers.IntegerField()
    linked = LinkedCaseOut(many=True, help_text="Listings already under review for this right: joined to that case")


class DecisionOut(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "reason_code", "statement", "created_at"]


class CaseOut(serializers.ModelSerializer):
    reference = serializers.CharField()
    listing = serializers.CharField(source="listing.external_id")
    decisions = DecisionOut(many=True)

    class Meta:
        model = Case
        fields = ["id", "reference", "listing", "state", "priority", "created_at", "updated_at", "decisions"]


class UnregisteredRightOut(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    described = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                      source="described_facts", help_text="[label, text] pairs, as the reporter "
                                                                          "described the right")


class ReportDetailOut(ReportSummaryOut):
    details = serializers.DictField()
    infringement_type = serializers.CharField()
    case_list = serializers.SerializerMethodField()
    linked = serializers.SerializerMethodField()
    unregistered_right = serializers.SerializerMethodField()

    class Meta(ReportSummaryOut.Meta):
        fields = [*ReportSummaryOut.Meta.fields, "infringement_type", "details", "capacity", "explanation",
                  "unregistered_right", "case_list", "linked"]

    @extend_schema_field(UnregisteredRightOut(allow_null=True))
    def get_unregistered_right(self, report) -> dict | None:
        right = report.right
        return None if right.registered else UnregisteredRightOut(right).data

    @extend_schema_field(CaseOut(many=True))
    def get_case_list(self, report) -> list:
        return CaseOut(report_cases(report=report), many=True).data

    @extend_schema_field(LinkedCaseOut(many=True))
    def get_linked(self, report) -> list:
        return LinkedCaseOut(report.linked_cases.select_related("listing", "report"), many=True).data


def _with_counts(qs):
    return qs.annotate(
        undecided=Count("cases", filter=Q(cases__state__in=UNDECIDED_STATES)),
        actioned=Count("cases", filter=Q(cases__state__in=[CaseState.ACTIONED, CaseState.UPHELD])),
        rejected=Count("cases", filter=Q(cases__state=CaseState.REJECTED)),
        withdrawn=Count("cases", filter=Q(cases__state=CaseState.WITHDRAWN)),
    )


def report_error_response(exc: ReportError) -> ValidationError:
    field, _, inner = (exc.field or "non_field_errors").partition(".")
    return ValidationError({field: {inner: [str(exc)]} if inner else [str(exc)]})


class ReportListCreateApi(ListAPIView):
    permission_classes = [IsRightsHolder]
    # Filing counts against RATE_LIMITS["report_filing"] with the form's filings.
    throttle_classes = [ApiUserThrottle, ApiAnonThrottle, ReportFilingThrottle]
    serializer_class = ReportSummaryOut

    def get_queryset(self):
        # List views filter by the caller: only the reports of brands the caller acts for.
        qs = _with_counts(reports_for_user(user=self.request.user)).order_by("-id")
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs

    @extend_schema(summary="Your brands' reports, newest first", responses={200: ReportSummaryOut(many=True),
                                                                            **AUTH_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="File a report on many listings",
        description=f"Up to {MAX_API_LISTINGS} listings per call, with the same checks as the report form. "
                    "Listings already under review for the same right are linked to that case, not refused. "
                    "All or nothing: on any error nothing is filed.",
        request=ReportIn,
        responses={201: ReportCreatedOut, 400: OpenApiResponse(Errors, description="What to fix, by field"),
                   **AUTH_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = ReportIn(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        described = d.get("unregistered_right")
        try:
            report = report_submit(
                reporter=request.user, brand=described["brand"] if described else d["right"].brand,
                right=d.get("right"), unregistered_right=described["right"] if described else None,
                capacity=d["capacity"],
                explanation=d["explanation"], contact_email=d["contact_email"], listings=d["listings"],
                infringement_type=d["infringement_type"], details=d["details"], evidence=d["evidence"],
                declarations=dict(d["declarations"]), signature=d["signature"], max_listings=MAX_API_LISTINGS,
            )
        except ReportError as exc:
            raise report_error_response(exc) from exc
        linked = list(report.linked_cases.select_related("listing", "report"))
        out = {"id": report.pk, "reference": report.reference, "kind": report.kind, "right": report.right_id,
               "cases_opened": report.cases.count(), "linked": LinkedCaseOut(linked, many=True).data}
        return Response(out, status=status.HTTP_201_CREATED)


class ReportDetailApi(APIView):
    permission_classes = [IsRightsHolder]

    @extend_schema(summary="A report's status: each case's state and decisions with their reasons",
                   responses={200: ReportDetailOut, 404: OpenApiResponse(Detail, description="Not your brands'"),
                              **AUTH_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        report = report_get_for_user(user=request.user, pk=pk)  # 404 for another brand's report
        report = _with_counts(Report.objects.filter(pk=report.pk)).select_related("brand").annotate(
            case_count=Count("cases", distinct=True)).get()
        return Response(ReportDetailOut(report).data)


WithdrawOut = inline_serializer("WithdrawOut", fields={
    "reference": serializers.CharField(), "withdrawn_at": serializers.DateTimeField(),
    "closed": serializers.IntegerField(help_text="Undecided cases closed"),
    "reinstated": serializers.IntegerField(help_text="Removed listings being reinstated"),
})


class ReportWithdrawApi(APIView):
    permission_classes = [IsRightsHolder]

    @extend_schema(summary="Withdraw a report before its final decisions", request=None,
                   responses={200: WithdrawOut, 400: OpenApiResponse(Errors, description="Nothing to withdraw"),
                              404: OpenApiResponse(Detail, description="Not your brands'"), **AUTH_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        report = report_get_for_user(user=request.user, pk=pk)  # 404 for another brand's report
        try:
            counts = report_withdraw(report=report, user=request.user)
        except WithdrawalError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response({"reference": report.reference, "withdrawn_at": report.withdrawn_at, **counts})
