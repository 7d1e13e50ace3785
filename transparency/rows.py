"""The export's fast path: a restriction's statement built from one row of values instead of nine
model instances (building those cost most of an export's time). These light objects answer exactly
what `statements.restriction_statement` reads, with the same meaning as the models' own properties
(Case.reference, Report.reference, IPRight.is_verified, get_kind_display);
`tests/transparency/test_export.py` checks both paths give the same statements."""

from dataclasses import dataclass
from types import SimpleNamespace

from registry.models import RightKind, RightStatus

R = "restriction__"
C = R + "case__"
FIELDS = (
    "id", "puid", "applied_at", "status", "uuid", "restriction_id",
    R + "kind", R + "source", R + "started_at", R + "lifted_at",
    C + "id", C + "kind", C + "source", C + "detection", C + "report_id", C + "report__details",
    C + "right__kind", C + "right__registered", C + "right__status", C + "right__office",
    C + "right__registration_number", C + "right__brand__name", C + "right__brand__owner_company",
    R + "decision_id", R + "decision__reason_code", R + "decision__automated",
    R + "listing__external_id", R + "listing__created_at",
    R + "imposed_by__bulk_job_id", R + "imposed_by__bulk_job__kind", R + "imposed_by__bulk_job__source_case_id",
)


@dataclass(frozen=True)
class RightRow:
    kind: str
    registered: bool
    status: str
    office: str
    registration_number: str
    brand: SimpleNamespace

    @property
    def is_verified(self) -> bool:
        return self.status == RightStatus.VERIFIED

    def get_kind_display(self) -> str:
        return RightKind(self.kind).label


def restriction_from_row(v: dict) -> SimpleNamespace:
    report_id = v[C + "report_id"]
    report = SimpleNamespace(reference=f"R-{report_id:07d}", details=v[C + "report__details"]) if report_id else None
    right = RightRow(v[C + "right__kind"], v[C + "right__registered"], v[C + "right__status"], v[C + "right__office"],
                     v[C + "right__registration_number"],
                     SimpleNamespace(name=v[C + "right__brand__name"],
                                     owner_company=v[C + "right__brand__owner_company"]))
    case = SimpleNamespace(pk=v[C + "id"], reference=f"C-{v[C + 'id']}", kind=v[C + "kind"], source=v[C + "source"],
                           detection=v[C + "detection"], report_id=report_id, report=report, right=right)
    job = (SimpleNamespace(kind=v[R + "imposed_by__bulk_job__kind"],
                           source_case_id=v[R + "imposed_by__bulk_job__source_case_id"])
           if v[R + "imposed_by__bulk_job_id"] else None)
    return SimpleNamespace(
        pk=v["restriction_id"], kind=v[R + "kind"], source=v[R + "source"], started_at=v[R + "started_at"],
        lifted_at=v[R + "lifted_at"], case=case,
        decision=SimpleNamespace(pk=v[R + "decision_id"], reason_code=v[R + "decision__reason_code"],
                                 automated=v[R + "decision__automated"]),
        listing=SimpleNamespace(external_id=v[R + "listing__external_id"], created_at=v[R + "listing__created_at"]),
        imposed_by=SimpleNamespace(bulk_job=job),
    )
