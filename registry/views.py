from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_reviewer, require_rights_holder
from accounts.services import account_email_taken
from accounts.views import MODEL_BACKEND
from audit.selectors import audit_entries_for
from common import dates
from common.ratelimit import uploads_limited, uploads_refuse
from evidence.responses import evidence_response

from . import selectors as sel
from .documents import right_document_add, roles_for
from .forms import (
    RIGHT_FORMS,
    BrandForm,
    CodeForm,
    InvitationSignupForm,
    InviteForm,
    RejectForm,
    RenewForm,
    RightDocumentForm,
    RulesForm,
    SendCodeForm,
    right_form_initial,
)
from .models import BrandInvitation, BrandMember, RightKind, RightStatus, RuleKind, TermKind
from .offices import OFFICES
from .renewals import right_renew, right_renewal_refusal
from .rule_claims import approval_decide, approvals_pending
from .services import (
    RegistryError,
    brand_create,
    brand_invitation_accept,
    brand_invitation_cancel,
    brand_invitation_signup,
    brand_member_invite,
    brand_member_remove,
    invitation_token_hash,
    live_code,
    protection_rules_set,
    right_confirm_code,
    right_register,
    right_reject,
    right_send_code,
    right_update,
)


def _form_error(form, exc: RegistryError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


# --- brands ----------------------------------------------------------------------------------

@login_required
@require_GET
def brand_list(request: HttpRequest) -> HttpResponse:
    memberships = (BrandMember.objects.filter(brand__in=sel.brands_for_user(user=request.user), user=request.user)
                   .select_related("brand").order_by("brand__name"))
    return render(request, "registry/brand_list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def brand_new(request: HttpRequest) -> HttpResponse:
    require_rights_holder(request.user, "Only rights-holder accounts register brands.")
    form = BrandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            brand = brand_create(user=request.user, **form.cleaned_data)
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{brand} is registered. Next: add its IP rights.")
            return redirect("registry:brand_detail", pk=brand.pk)
    return render(request, "registry/brand_form.html", {"form": form})


def _brand_context(request: HttpRequest, pk: int, **extra) -> dict:
    brand, member = sel.brand_get_for_user(user=request.user, pk=pk)
    is_admin = member.is_admin
    rules = sel.brand_rules(brand=brand)
    return {
        "brand": brand, "me": member, "is_admin": is_admin,
        "rights": sel.brand_rights(brand=brand), "members": sel.brand_members(brand=brand),
        "invitations": sel.brand_pending_invitations(brand=brand) if is_admin else [],
        "ships_rule": rules[RuleKind.SHIPS_FROM], "seller_rule": rules[RuleKind.SELLER],
        "protection": sel.brand_protection(brand=brand),
        "invite_form": InviteForm() if is_admin else None, "kinds": RightKind.choices, **extra,
    }


@login_required
@require_GET
def brand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "registry/brand_detail.html", _brand_context(request, pk))


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    brand = sel.brand_admin_get(user=request.user, pk=pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            result = brand_member_invite(brand=brand, by=request.user, **form.cleaned_data)
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"We emailed an invitation to {result.email}. They join {brand} when they "
                                      "accept it from the link; you see it below until then.")
            return redirect("registry:brand_detail", pk=brand.pk)
    return render(request, "registry/brand_detail.html", _brand_context(request, pk, invite_form=form), status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    brand = sel.brand_admin_get(user=request.user, pk=pk)
    member = get_object_or_404(BrandMember.objects.select_related("user", "brand"), pk=member_pk, brand=brand)
    try:
        brand_member_remove(member=member, by=request.user)
    except RegistryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user.display_name} no longer acts for {brand}.")
    return redirect("registry:brand_detail", pk=brand.pk)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    brand = sel.brand_admin_get(user=request.user, pk=pk)
    inv = get_object_or_404(BrandInvitation, pk=invitation_pk, brand=brand, accepted_at__isnull=True)
    brand_invitation_cancel(invitation=inv, by=request.user)
    messages.success(request, f"The invitation to {inv.email} is cancelled; its link no longer works.")
    return redirect("registry:brand_detail", pk=brand.pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    inv = sel.invitation_for_token(token_hash=invitation_token_hash(token))
    if not request.user.is_authenticated:
        return _invitation_signup(request, inv)
    if inv.email != (request.user.email or "").lower():
        raise Http404("No such invitation")  # a forwarded link does not work for another account
    if inv.accepted_at is not None:
        messages.info(request, f"You already act for {inv.brand}.")
        return redirect("registry:brand_detail", pk=inv.brand_id)
    if request.method == "POST":
        try:
            brand_invitation_accept(invitation=inv, user=request.user)
        except RegistryError as exc:
            messages.error(request, str(exc))
            return redirect("registry:brand_list")
        messages.success(request, f"You now act for {inv.brand} as {inv.get_role_display().lower()}.")
        return redirect("registry:brand_detail", pk=inv.brand_id)
    return render(request, "registry/invitation.html", {"invitation": inv})


def _invitation_signup(request: HttpRequest, inv: BrandInvitation) -> HttpResponse:
    """Someone not logged in opened the invitation: create the account from the link, or log in."""
    if inv.accepted_at is not None:
        messages.info(request, "This invitation was already accepted: log in to continue.")
        return redirect_to_login(request.get_full_path())
    has_account = account_email_taken(inv.email)
    form = InvitationSignupForm(request.POST or None, email=inv.email)
    if request.method == "POST" and not has_account and form.is_valid():
        try:
            user = brand_invitation_signup(invitation=inv, name=form.cleaned_data["name"],
                                           password=form.cleaned_data["password1"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, f"Welcome. You now act for {inv.brand} as {inv.get_role_display().lower()}.")
            return redirect("registry:brand_detail", pk=inv.brand_id)
    return render(request, "registry/invitation_signup.html",
                  {"invitation": inv, "form": form, "has_account": has_account,
                   "login_url": f"{resolve_url(settings.LOGIN_URL)}?next={request.path}"},
                  status=400 if form.errors else 200)


# --- rights ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def right_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    brand = sel.brand_admin_get(user=request.user, pk=pk)
    if kind not in RIGHT_FORMS:
        raise Http404("No such kind of right")
    form = RIGHT_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            right = right_register(brand=brand, by=request.user, kind=kind, fields=form.right_fields())
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{right} is registered and waits for verification by a reviewer.")
            return redirect("registry:right_detail", pk=right.pk)
    return render(request, "registry/right_form.html",
                  {"form": form, "brand": brand, "kind": RightKind(kind), "kinds": RightKind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def right_edit(request: HttpRequest, pk: int) -> HttpResponse:
    right, _ = sel.right_get_for_user(user=request.user, pk=pk)
    sel.require_brand_admin(user=request.user, brand=right.brand)
    if not right.registered:
        messages.error(request, f"{right} was described in a report; it has no registration to correct.")
        return redirect("registry:right_detail", pk=right.pk)
    form = RIGHT_FORMS[right.kind](request.POST or None, initial=right_form_initial(right))
    if request.method == "POST" and form.is_valid():
        try:
            right_update(right=right, by=request.user, fields=form.right_fields())
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Saved. The right waits for verification by a reviewer.")
            return redirect("registry:right_detail", pk=right.pk)
    return render(request, "registry/right_form.html",
                  {"form": form, "brand": right.brand, "kind": RightKind(right.kind), "right": right})


def _right_context(request: HttpRequest, pk: int, **extra) -> dict:
    right, member = sel.right_get_for_user(user=request.user, pk=pk)
    is_admin = member.is_admin
    code = live_code(right=right) if right.status == RightStatus.PENDING else None
    return {"right": right, "brand": right.brand, "is_admin": is_admin, "code": code,
            "code_form": CodeForm() if is_admin and code else None,
            "documents": sel.right_documents(right=right),
            "documents_missing": sel.right_documents_missing(right=right) if right.status == RightStatus.PENDING
            else None,
            "document_form": RightDocumentForm(roles=roles_for(right)) if is_admin else None,
            "renewable": right_renewal_refusal(right=right) is None,
            "timeline": audit_entries_for(targets=[right]), **extra}


@login_required
@require_GET
def right_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "registry/right_detail.html", _right_context(request, pk))


@login_required
@require_POST
def right_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    right, _ = sel.right_get_for_user(user=request.user, pk=pk)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            right_confirm_code(right=right, by=request.user, code=form.cleaned_data["code"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{right} is verified. Its reports go to the priority lane.")
            return redirect("registry:right_detail", pk=right.pk)
    return render(request, "registry/right_detail.html", _right_context(request, pk, code_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def right_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Renew an expired or soon-expiring right: new expiry date and renewal document (brand admins)."""
    right, _ = sel.right_get_for_user(user=request.user, pk=pk)
    sel.require_brand_admin(user=request.user, brand=right.brand)
    refusal = right_renewal_refusal(right=right)
    if refusal:
        messages.error(request, refusal)
        return redirect("registry:right_detail", pk=right.pk)
    form = RenewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not uploads_refuse(request, form, "file") and form.is_valid():
        try:
            right_renew(right=right, by=request.user, expires_on=form.cleaned_data["expires_on"],
                        upload=form.cleaned_data["file"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{right} is renewed to {dates.day(form.cleaned_data['expires_on'])} and waits "
                                      "for a reviewer to check the renewal document.")
            return redirect("registry:right_detail", pk=right.pk)
    return render(request, "registry/right_renew.html",
                  {"form": form, "right": right, "brand": right.brand},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
@uploads_limited
def right_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    right, _ = sel.right_get_for_user(user=request.user, pk=pk)
    sel.require_brand_admin(user=request.user, brand=right.brand)
    form = RightDocumentForm(request.POST, request.FILES, roles=roles_for(right))
    if not uploads_refuse(request, form, "file") and form.is_valid():
        try:
            doc = right_document_add(right=right, by=request.user, role=form.cleaned_data["role"],
                                     upload=form.cleaned_data["file"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{doc.get_role_display()} “{doc.file.original_name}” is stored with {right}.")
            return redirect("registry:right_detail", pk=right.pk)
    return render(request, "registry/right_detail.html", _right_context(request, pk, document_form=form),
                  status=400)


@login_required
@require_GET
def right_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A registration document as a download, to the brand's members and reviewers only."""
    return evidence_response(sel.right_document_get_for_user(user=request.user, pk=pk).file)


@login_required
@require_GET
def right_document_inline(request: HttpRequest, pk: int) -> HttpResponse:
    """A mark or design image (PNG, JPEG, WebP only) for an <img> on the right and verification pages."""
    return evidence_response(sel.right_document_get_for_user(user=request.user, pk=pk).file, inline=True)


# --- protection rules ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    brand = sel.brand_admin_get(user=request.user, pk=pk)
    rules = sel.brand_rules(brand=brand)
    ships, seller = rules[RuleKind.SHIPS_FROM], rules[RuleKind.SELLER]
    terms = list(sel.brand_terms(brand=brand))
    initial = {
        "countries": ships.countries if ships else [], "countries_mode": ships.mode if ships else "flag",
        "sellers": "\n".join(s.external_id for s in seller.sellers.all()) if seller else "",
        "sellers_mode": seller.mode if seller else "flag",
        "extra_terms": "\n".join(t.term for t in terms if t.kind == TermKind.EXTRA),
        "misspellings": "\n".join(t.term for t in terms if t.kind == TermKind.MISSPELLING),
    }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            waiting = protection_rules_set(brand=brand, by=request.user, **form.cleaned_data)
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Protection rules of {brand} saved. Existing listings are being "
                                      "checked again; the progress shows below.")
            for approval in waiting:
                messages.warning(request, f"Waiting for a trust-and-safety reviewer: {approval.why}"
                                          + ("" if approval.is_term else " The rule flags until then."))
            return redirect("registry:rules_edit", pk=brand.pk)
    return render(request, "registry/rules_form.html",
                  {"form": form, "brand": brand, "protection": sel.brand_protection(brand=brand)})


# --- reviewers -------------------------------------------------------------------------------

@login_required
@require_GET
def rule_approval_queue(request: HttpRequest) -> HttpResponse:
    """Watched terms and suppress modes waiting for a reviewer (registry.rule_claims)."""
    require_reviewer(request.user)
    return render(request, "registry/rule_approvals.html", {"approvals": approvals_pending()[:200]})


@login_required
@require_POST
def rule_approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_reviewer(request.user)
    approval = get_object_or_404(approvals_pending(), pk=pk)
    approve = request.POST.get("decision") == "approve"
    approval_decide(approval=approval, reviewer=request.user, approve=approve)
    messages.success(request, f"{approval.brand}: {'approved' if approve else 'rejected'} — {approval.why}")
    return redirect("registry:rule_approval_queue")


@login_required
@require_GET
def verification_queue(request: HttpRequest) -> HttpResponse:
    rights = sel.verification_queue(user=request.user)[:200]
    return render(request, "registry/verification_queue.html", {"rights": rights})


def _review_context(request: HttpRequest, pk: int, **extra) -> dict:
    right = sel.right_get_for_reviewer(user=request.user, pk=pk)
    return {"right": right, "office": OFFICES.get(right.office), "codes": sel.right_codes(right=right),
            "documents": sel.right_documents(right=right),
            "documents_missing": sel.right_documents_missing(right=right) if right.status == RightStatus.PENDING
            else None,
            "send_form": SendCodeForm(initial={"correspondent_email": right.correspondent_email}),
            "reject_form": RejectForm(), "timeline": audit_entries_for(targets=[right]), **extra}


@login_required
@require_GET
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "registry/verification_detail.html", _review_context(request, pk))


@login_required
@require_POST
def verification_send_code(request: HttpRequest, pk: int) -> HttpResponse:
    right = sel.right_get_for_reviewer(user=request.user, pk=pk)
    form = SendCodeForm(request.POST)
    if form.is_valid():
        try:
            right_send_code(right=right, reviewer=request.user,
                            correspondent_email=form.cleaned_data["correspondent_email"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"A code is on its way to {form.cleaned_data['correspondent_email']}; "
                                      "any earlier code no longer works.")
            return redirect("registry:verification_detail", pk=pk)
    return render(request, "registry/verification_detail.html", _review_context(request, pk, send_form=form),
                  status=400)


@login_required
@require_POST
def verification_reject(request: HttpRequest, pk: int) -> HttpResponse:
    right = sel.right_get_for_reviewer(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            right_reject(right=right, reviewer=request.user, reason=form.cleaned_data["reason"])
        except RegistryError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{right} is rejected; the brand sees your reason.")
            return redirect("registry:verification_queue")
    return render(request, "registry/verification_detail.html", _review_context(request, pk, reject_form=form),
                  status=400)
