"""API: withdraw a report (here, not in complaints: a withdrawal creates reinstate actions)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import AUTH_ERRORS, Detail, Errors, IsRightsHolder
from complaints.selectors import report_get_for_user

from .withdrawals import WithdrawalError, report_withdraw

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
