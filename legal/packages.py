"""Writing an evidence package: one ZIP on disk, written chunk by chunk so memory stays bounded
whatever the seller's size (LEGAL_PACKAGE_CHUNK cases are read, written and forgotten at a time;
what is kept is one manifest line per file, and there is one case file per chunk, not per case).

Layout (every file is listed in manifest.json with its SHA-256, size and what it is):

    README.txt                     how to check the package
    verify_package.py              the checker (tools/verify_package.py), needs Python and `cryptography`
    cases/cases-00001.jsonl        one JSON object per case: the listing as reported and as now,
                                   each decision with its statement of reasons, its test buys
    evidence/R-…/<id>-<name>       the report's evidence files, as uploaded
    test_buys/test_buys.jsonl      the test buys, with their photos' paths and hashes
    test_buys/TB-…/<kind>-<id>.…   the photos
    seller.json                    (seller packages) the seller, strikes, suspensions, referrals
    audit/entries-00001.jsonl      the audit entries about all of the above, with seq, prev_hash,
                                   hash, hash_version and mac: each hash can be recomputed offline
    summary.pdf                    the human-readable summary
    manifest.json                  the list of files, the audit chain's head when built
    manifest.sig.json              Ed25519 over the manifest's SHA-256 (legal/signing.py)
"""

import hashlib
import json
import struct
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import person_name
from audit.models import AuditChainHead, AuditEntry
from audit.services import GENESIS, audit_label
from common import dates
from complaints.models import Case, Decision, Outcome, Report, ReportEvidence
from evidence.models import EvidenceFile
from evidence.services import evidence_path
from listings.models import Listing
from suspensions.models import Strike, Suspension

from . import signing
from .models import EvidencePackage, PackageScope, Referral, TestBuy, TestBuyPhoto

FORMAT = "ipportal-evidence-package/1"
CHECKER = Path(settings.BASE_DIR) / "tools" / "verify_package.py"
COPY_BLOCK = 1024 * 1024
# The PDF is for people; the files hold everything. WeasyPrint lays out a table row in ~5 ms here
# (a line of text in a third of that, so the timeline and the hashes are lines), so the summary is
# capped: cases (LEGAL_PDF_MAX_CASES), timeline events, statements quoted in full, files listed.
PDF_MAX_EVENTS, PDF_MAX_STATEMENTS, PDF_MAX_FILES = 150, 20, 100


def packages_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "packages"


def package_path(package: EvidencePackage) -> Path:
    return packages_dir() / package.storage_name


def package_cases(package: EvidencePackage) -> QuerySet[Case]:
    """The cases a package covers, by its scope; only its brand's when built for a brand admin."""
    cases = Case.objects.all()
    if package.scope == PackageScope.CASE:
        cases = cases.filter(pk=package.case_id)
    elif package.scope == PackageScope.REPORT:
        cases = cases.filter(report_id=package.report_id)
    else:
        cases = cases.filter(listing__seller_id=package.seller_id)
    if package.brand_id:
        cases = cases.filter(brand_id=package.brand_id)
    return cases.order_by("id")


def package_test_buys(package: EvidencePackage) -> QuerySet[TestBuy]:
    if package.scope == PackageScope.SELLER:
        buys = TestBuy.objects.filter(seller_id=package.seller_id)
    else:
        listing_ids = package_cases(package).values("listing_id")
        buys = TestBuy.objects.filter(Q(case__in=package_cases(package)) | Q(listing_id__in=listing_ids))
    if package.brand_id:
        buys = buys.filter(brand_id=package.brand_id)
    return buys.order_by("id")


@dataclass
class Written:
    path: str
    sha256: str
    size: int
    what: str
    stored_sha256: str = ""  # of the member's bytes as stored in the ZIP (compressed)


@dataclass
class Summary:
    """What the PDF shows: bounded to LEGAL_PDF_MAX_CASES rows, with the totals."""

    cases: list[dict] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    cases_total: int = 0
    decisions_total: int = 0
    sellers: dict = field(default_factory=dict)
    brands: dict = field(default_factory=dict)


class PackageWriter:
    """A ZIP being written to `path`, with the manifest of what went in."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.files: list[Written] = []

    def add_bytes(self, name: str, data: bytes, what: str) -> Written:
        self.zip.writestr(name, data)
        return self._record(name, hashlib.sha256(data).hexdigest(), len(data), what)

    def add_file(self, name: str, source: Path, what: str) -> Written:
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as src, self.zip.open(name, "w", force_zip64=True) as dst:
            while block := src.read(COPY_BLOCK):
                digest.update(block)
                size += len(block)
                dst.write(block)
        return self._record(name, digest.hexdigest(), size, what)

    def add_lines(self, name: str, rows: Iterator[dict], what: str) -> Written | None:
        """A JSON Lines file streamed into the ZIP; not written when there are no rows."""
        digest, size, stream = hashlib.sha256(), 0, None
        for row in rows:
            if stream is None:
                stream = self.zip.open(name, "w", force_zip64=True)
            line = (json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) + "\n").encode()
            digest.update(line)
            size += len(line)
            stream.write(line)
        if stream is None:
            return None
        stream.close()
        return self._record(name, digest.hexdigest(), size, what)

    def _record(self, name: str, sha256: str, size: int, what: str) -> Written:
        written = Written(name, sha256, size, what, self._stored_sha256(self.zip.infolist()[-1]))
        self.files.append(written)
        return written

    def _stored_sha256(self, info: zipfile.ZipInfo) -> str:
        """SHA-256 of the member's compressed bytes, read back from the file: a changed bit that
        the decompressor ignores (a final-block flag, padding) still changes this, so the
        checker names the file whatever byte of its data changed."""
        fp = self.zip.fp
        end = fp.tell()
        fp.seek(info.header_offset + 26)
        name_len, extra_len = struct.unpack("<2H", fp.read(4))
        fp.seek(info.header_offset + 30 + name_len + extra_len)
        digest, left = hashlib.sha256(), info.compress_size
        while left:
            block = fp.read(min(left, COPY_BLOCK))
            digest.update(block)
            left -= len(block)
        fp.seek(end)
        return digest.hexdigest()

    def close(self) -> None:
        self.zip.close()


def _listing_now(listing: Listing) -> dict:
    return {"external_id": listing.external_id, "title": listing.title, "description": listing.description,
            "brand_name": listing.brand_name, "ships_from": listing.ships_from, "price": str(listing.price),
            "currency": listing.currency, "url": listing.url, "status": listing.status,
            "seller": listing.seller.external_id, "updated_at": listing.updated_at.isoformat()}


DECISION_FIELDS = ("id", "case_id", "outcome", "reason_code", "statement", "decided_by__username", "automated",
                   "supersedes_id", "created_at")


def _decision_row(d: dict) -> dict:
    return {"id": d["id"], "outcome": d["outcome"], "reason_code": d["reason_code"],
            "statement_of_reasons": d["statement"],
            "decided_by": person_name(d["decided_by__username"]) if d["decided_by__username"] else None,
            "automated": d["automated"], "supersedes": d["supersedes_id"], "created_at": d["created_at"].isoformat()}


def _case_row(case: Case, decisions: list[dict], test_buys: list[str]) -> dict:
    return {"reference": case.reference, "id": case.pk, "state": case.state, "kind": case.kind,
            "source": case.source, "brand": str(case.brand) if case.brand_id else None,
            "right": str(case.right), "report": case.report.reference if case.report_id else None,
            "created_at": case.created_at.isoformat(), "listing_as_reported": case.listing_snapshot,
            "listing_now": _listing_now(case.listing),
            "decisions": [_decision_row(d) for d in decisions], "test_buys": test_buys}


def _audit_rows(targets: dict[str, list[int]], max_seq: int) -> Iterator[dict]:
    """The linked entries about these targets (label -> ids), in chain order, with the fields
    needed to recompute each hash (audit.services.entry_digest_v2, or entry_digest for version 1).
    `actor_repr` stays as hashed (an open notifier's stand-in account name included: the checker
    needs it to recompute the hash); `actor` names who acted as people read it (person_name)."""
    q = Q(pk__in=[])
    for label, ids in targets.items():
        if ids:
            q |= Q(target_type=label, target_id__in=ids)
    entries = AuditEntry.objects.filter(q, seq__isnull=False, seq__lte=max_seq).order_by("seq")
    for e in entries.iterator(chunk_size=2000):
        yield {"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash, "hash_version": e.hash_version,
               "created_at": e.created_at.isoformat(), "actor_id": e.actor_id, "actor_repr": e.actor_repr,
               "actor": person_name(e.actor_repr) if e.actor_repr else None,
               "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
               "target_repr": e.target_repr, "data": e.data, "mac": e.mac}


class Builder:
    """Writes one package; `progress(done)` is called after each chunk of cases."""

    def __init__(self, package: EvidencePackage, path: Path, progress=None):
        self.package, self.path, self.progress = package, path, progress or (lambda done: None)
        self.writer = PackageWriter(path)
        self.summary = Summary()
        self.reports_written: set[int] = set()
        self.head = AuditChainHead.objects.filter(id=1).values_list("count", "last_hash").first() or (0, GENESIS)

    def build(self) -> tuple[str, int]:
        """Write every file; return (the manifest's SHA-256, how many files)."""
        w = self.writer
        w.add_bytes("README.txt", render_to_string("legal/package_readme.txt", {"package": self.package}).encode(),
                    "How to check this package")
        w.add_file("verify_package.py", CHECKER, "The checker: python3 verify_package.py <this zip>")
        self._cases()
        self._test_buys()
        if self.package.scope == PackageScope.SELLER:
            self._seller()
        w.add_bytes("summary.pdf", self._pdf(), "Human-readable summary (timeline, parties, listings, decisions, "
                                                 "hashes)")
        manifest = json.dumps(self._manifest(), sort_keys=True, indent=1, ensure_ascii=False).encode()
        digest = hashlib.sha256(manifest).hexdigest()
        # Stored, not deflated: any changed byte of these two changes what the signature covers.
        w.zip.writestr("manifest.json", manifest, compress_type=zipfile.ZIP_STORED)
        w.zip.writestr("manifest.sig.json", json.dumps(signing.manifest_sign(digest), sort_keys=True, indent=1),
                       compress_type=zipfile.ZIP_STORED)
        w.close()
        return digest, len(w.files)

    def _cases(self) -> None:
        chunk, last, n, done = settings.LEGAL_PACKAGE_CHUNK, 0, 0, 0
        all_cases = package_cases(self.package)
        self.summary.cases_total = all_cases.count()
        while True:
            ids = list(all_cases.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            last, n = ids[-1], n + 1
            # Plain rows for decisions and test buys, one query each per chunk: model instances and
            # prefetching cost more than the rest of the build (bench/package_bench.py).
            cases = list(Case.objects.filter(pk__in=ids).order_by("id")
                         .select_related("listing__seller", "report", "right", "brand"))
            decisions: dict[int, list[dict]] = defaultdict(list)
            for d in Decision.objects.filter(case_id__in=ids).order_by("id").values(*DECISION_FIELDS):
                decisions[d["case_id"]].append(d)
            buys: dict[int, list[str]] = defaultdict(list)
            for case_id, pk in TestBuy.objects.filter(case_id__in=ids).order_by("id").values_list("case_id", "pk"):
                buys[case_id].append(f"TB-{pk}")
            self.writer.add_lines(f"cases/cases-{n:05d}.jsonl",
                                  (_case_row(c, decisions[c.pk], buys[c.pk]) for c in cases),
                                  f"{len(cases)} cases: listings as reported and now, decisions with statements "
                                  "of reasons")
            evidence_ids = self._evidence({c.report_id for c in cases if c.report_id})
            decision_ids = [d["id"] for ds in decisions.values() for d in ds]
            self.writer.add_lines(f"audit/entries-{n:05d}.jsonl", _audit_rows({
                audit_label(Case): ids, audit_label(Decision): decision_ids,
                audit_label(Report): [r for r in {c.report_id for c in cases} if r],
                audit_label(EvidenceFile): evidence_ids}, self.head[0]),
                "Audit entries about these cases, their decisions, reports and evidence, with chain data")
            self._summarize(cases, decisions)
            done += len(cases)
            self.progress(done)

    def _evidence(self, report_ids: set[int]) -> list[int]:
        """Each report's evidence files, once per package; returns the ids written now."""
        new = sorted(report_ids - self.reports_written)
        self.reports_written.update(new)
        ids = []
        links = ReportEvidence.objects.filter(report_id__in=new).select_related("file", "report").order_by("id")
        for link in links:
            f = link.file
            self.writer.add_file(f"evidence/{link.report.reference}/{f.pk}-{f.download_name}", evidence_path(f),
                                 f"Evidence filed with {link.report.reference} ({f.get_content_type_display()}), "
                                 f"uploaded {dates.day(f.created_at)}; SHA-256 at upload {f.sha256}")
            ids.append(f.pk)
        return ids

    def _test_buys(self) -> None:
        buys = list(package_test_buys(self.package).select_related("listing", "seller", "brand", "case",
                                                                   "recorded_by")
                    .prefetch_related(Prefetch("photos", queryset=TestBuyPhoto.objects.select_related("file"))))
        rows, photo_ids = [], []
        for t in buys:
            photos = []
            for p in t.photos.all():
                written = self.writer.add_file(f"test_buys/{t.reference}/{p.kind}-{p.file_id}."
                                               f"{p.file.download_name.rsplit('.', 1)[-1]}", evidence_path(p.file),
                                               f"Photo of {p.get_kind_display().lower()} from test buy {t.reference}")
                photos.append({"kind": p.kind, "path": written.path, "sha256": written.sha256})
                photo_ids.append(p.file_id)
            rows.append({"reference": t.reference, "listing": t.listing.external_id, "seller": t.seller.external_id,
                         "brand": str(t.brand) if t.brand_id else None,
                         "case": t.case.reference if t.case_id else None, "order_reference": t.order_reference,
                         "purchased_on": t.purchased_on.isoformat(), "price": str(t.price), "currency": t.currency,
                         "delivered_to": t.delivered_to, "verdict": t.verdict, "examiner": t.examiner,
                         "custody_notes": t.custody_notes, "recorded_by": person_name(t.recorded_by.get_username()),
                         "recorded_at": t.created_at.isoformat(), "photos": photos})
            self.summary.events.append((t.created_at, f"Test buy {t.reference} of {t.listing.external_id}: "
                                                      f"{t.get_verdict_display()} ({t.examiner})"))
        if rows:
            self.writer.add_lines("test_buys/test_buys.jsonl", iter(rows), f"{len(rows)} test buys")
            self.writer.add_lines("audit/entries-test-buys.jsonl", _audit_rows(
                {audit_label(TestBuy): [t.pk for t in buys], audit_label(EvidenceFile): photo_ids}, self.head[0]),
                "Audit entries about the test buys and their photos, with chain data")
        self.test_buys = buys

    def _seller(self) -> None:
        seller = self.package.seller
        data = {
            "seller": {"name": seller.name, "external_id": seller.external_id, "country": seller.country},
            "strikes": [{"id": s.pk, "created_at": s.created_at.isoformat(), "expires_at": s.expires_at.isoformat(),
                         "removed": s.removed_at is not None}
                        for s in Strike.objects.filter(seller=seller).order_by("id")],
            "suspensions": [{"id": s.pk, "status": s.status, "created_at": s.created_at.isoformat()}
                            for s in Suspension.objects.filter(seller=seller).order_by("id")],
            "referrals": [{"reference": r.reference, "agency": r.agency, "agency_name": r.agency_name,
                           "state": r.state, "created_at": r.created_at.isoformat()}
                          for r in Referral.objects.filter(seller=seller).order_by("id")],
        }
        self.writer.add_bytes("seller.json", json.dumps(data, indent=1, sort_keys=True).encode(),
                              "The seller, its strikes, suspensions and referrals")

    def _summarize(self, cases: list[Case], decisions: dict[int, list[dict]]) -> None:
        s = self.summary
        for c in cases:
            s.decisions_total += len(decisions[c.pk])
            s.sellers[c.listing.seller.external_id] = c.listing.seller.name
            if c.brand_id:
                s.brands[c.brand_id] = str(c.brand)
            if len(s.cases) >= settings.LEGAL_PDF_MAX_CASES:
                continue
            latest = decisions[c.pk][-1] if decisions[c.pk] else None
            s.cases.append({"case": c, "latest": latest and {**latest, "label": Outcome(latest["outcome"]).label},
                            "title": (c.listing_snapshot or {}).get("title", c.listing.title)})
            s.events.append((c.created_at, f"{c.reference} opened on {c.listing.external_id}"))
            s.events += [(d["created_at"], f"{c.reference}: decision {Outcome(d['outcome']).label.lower()} "
                                           f"({d['reason_code']})") for d in decisions[c.pk]]

    def _pdf(self) -> bytes:
        import weasyprint  # imported here: half a second, and only a package build needs it

        s = self.summary
        html = render_to_string("legal/package_summary.html", {
            "package": self.package, "summary": s, "events": sorted(s.events)[:PDF_MAX_EVENTS],
            "files": self.writer.files[:PDF_MAX_FILES], "statements": s.cases[:PDF_MAX_STATEMENTS],
            "files_total": len(self.writer.files),
            "test_buys": self.test_buys, "head": self.head, "built_at": timezone.now(),
            "cases_cut": s.cases_total > len(s.cases),
        })
        return weasyprint.HTML(string=html).write_pdf()

    def _manifest(self) -> dict:
        p = self.package
        return {
            "format": FORMAT, "package": p.reference, "scope": p.scope, "subject": str(p.subject),
            "brand_only": str(p.brand) if p.brand_id else None,
            "built_at": timezone.now().isoformat(), "requested_by": person_name(p.requested_by.get_username()),
            "audit_chain_head": {"count": self.head[0], "last_hash": self.head[1]},
            "signing": {"algorithm": signing.ALGORITHM, "public_key": signing.public_key_b64(),
                        "signed": f"{signing.CONTEXT}:<SHA-256 hex of manifest.json>"},
            "counts": {"cases": self.summary.cases_total, "decisions": self.summary.decisions_total,
                       "test_buys": len(self.test_buys), "files": len(self.writer.files)},
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size, "stored_sha256": f.stored_sha256,
                       "what": f.what}
                      for f in self.writer.files],
        }


def package_write(package: EvidencePackage, progress=None) -> dict:
    """Write the package's ZIP under a new name; returns what its row records when ready. A
    partial file is removed on failure."""
    folder = packages_dir()
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = f"{uuid.uuid4().hex}.zip"
    path = folder / storage_name
    try:
        manifest_sha256, _ = Builder(package, path, progress).build()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(COPY_BLOCK):
            digest.update(block)
    return {"storage_name": storage_name, "size": path.stat().st_size, "sha256": digest.hexdigest(),
            "manifest_sha256": manifest_sha256}
