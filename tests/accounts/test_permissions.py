"""Role checks live in accounts/permissions.py: each is_*, require_* and DRF class allows exactly
the roles written out here (by hand, not read from the code), and refuses everyone else with the
message a person or API client sees. The last tests read the code: nothing outside the permissions
layer compares a role or reads a user's role property, and no app defines its own DRF permission."""

import ast
import html
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from accounts import permissions
from accounts.models import Role, User
from accounts.tokens import api_token_create
from complaints.records import CaseError
from complaints.sanctions import sanctions_for_senior
from complaints.selectors import evidence_get_for_user
from registry.selectors import require_reviewer as registry_require_reviewer
from registry.services import RegistryError, brand_create, brand_invitation_accept, brand_member_invite
from review.claims import case_claim, case_reassign
from review.notes import case_note_add
from suspensions.services import SuspensionError, suspension_propose
from webhooks.services import WebhookError, webhook_endpoint_create

from ..factories import UserFactory, api_key_for
from ..views import open_case

ROLES = ["rights_holder", "reviewer", "senior_reviewer", "seller", "marketplace"]


def _persona(name: str):
    if name == "anonymous":
        return AnonymousUser()
    if name == "no role":
        return User(username="norole", role="")
    role = name.removeprefix("inactive ")
    return User(username=role, role=role, is_active=not name.startswith("inactive "))


# Every role, an account with no role yet, an anonymous visitor, and each role's account
# deactivated. The role layer answers by role only: a deactivated account cannot log in (its
# session is anonymous, its token refused; see the last tests of this part), and a service acting
# for a stored user checks is_active itself (review.claims.case_reassign, decisions.report_jobs).
PERSONAS = [*ROLES, "no role", "anonymous", *(f"inactive {r}" for r in ROLES)]

REVIEWERS = {"reviewer", "senior_reviewer", "inactive reviewer", "inactive senior_reviewer"}
SENIORS = {"senior_reviewer", "inactive senior_reviewer"}
RIGHTS_HOLDERS = {"rights_holder", "inactive rights_holder"}
SELLERS = {"seller", "inactive seller"}
MARKETPLACE = {"marketplace", "inactive marketplace"}

IS_CHECKS = {
    permissions.is_reviewer: REVIEWERS,
    permissions.is_senior: SENIORS,
    permissions.is_rights_holder: RIGHTS_HOLDERS,
    permissions.is_seller: SELLERS,
    permissions.is_marketplace: MARKETPLACE,
    permissions.is_api_user: RIGHTS_HOLDERS | MARKETPLACE,
}

REQUIRE_CHECKS = {
    permissions.require_reviewer: (REVIEWERS, "Only trust-and-safety reviewers can see this page."),
    permissions.require_senior: (SENIORS, "Only senior reviewers decide appeals."),
    permissions.require_rights_holder: (RIGHTS_HOLDERS, "Only rights holders file and follow reports."),
    permissions.require_seller: (SELLERS, "Seller Center is for sellers."),
    permissions.require_marketplace: (MARKETPLACE, "Webhooks are for the marketplace's service account."),
    permissions.require_api_user: (RIGHTS_HOLDERS | MARKETPLACE,
                                   "API tokens are for rights holders and the marketplace's service account."),
}

DRF_CLASSES = {
    permissions.IsRightsHolder: (RIGHTS_HOLDERS, "Only rights holders file and follow reports."),
    permissions.IsMarketplace: (MARKETPLACE, "Only the marketplace's service account can do this."),
    permissions.IsMarketplaceForListings: (MARKETPLACE, "Only the marketplace's service account can push listings."),
    permissions.IsMarketplaceForWebhooks: (MARKETPLACE, "Webhooks are for the marketplace's service account."),
}


def _allowed_by_require(check, **kwargs) -> tuple[set[str], set[str]]:
    allowed, messages = set(), set()
    for name in PERSONAS:
        try:
            check(_persona(name), **kwargs)
        except PermissionDenied as exc:
            messages.add(str(exc))
        else:
            allowed.add(name)
    return allowed, messages


def test_the_roles_are_the_five_these_tests_were_written_for():
    assert sorted(Role.values) == sorted(ROLES)


@pytest.mark.parametrize("check", list(IS_CHECKS), ids=lambda f: f.__name__)
def test_each_is_check_allows_exactly_its_roles(check):
    assert {name for name in PERSONAS if check(_persona(name))} == IS_CHECKS[check]


@pytest.mark.parametrize("check", list(IS_CHECKS), ids=lambda f: f.__name__)
def test_each_is_check_answers_no_for_no_user_at_all(check):
    assert check(None) is False


@pytest.mark.parametrize("check", list(REQUIRE_CHECKS), ids=lambda f: f.__name__)
def test_each_require_check_lets_its_roles_through_and_refuses_everyone_else_with_its_message(check):
    expected, message = REQUIRE_CHECKS[check]
    allowed, messages = _allowed_by_require(check)
    assert allowed == expected
    assert messages == {message}


@pytest.mark.parametrize("check", list(REQUIRE_CHECKS), ids=lambda f: f.__name__)
def test_each_require_check_refuses_with_the_callers_whole_message_when_given_one(check):
    allowed, messages = _allowed_by_require(check, message="Not for you.")
    assert allowed == REQUIRE_CHECKS[check][0]
    assert messages == {"Not for you."}


@pytest.mark.parametrize("cls", list(DRF_CLASSES), ids=lambda c: c.__name__)
def test_each_drf_permission_allows_exactly_its_roles_and_says_who_the_api_is_for(cls):
    expected, message = DRF_CLASSES[cls]
    allowed = {name for name in PERSONAS
               if cls().has_permission(SimpleNamespace(user=_persona(name)), view=None)}
    assert allowed == expected
    assert cls.message == message


def test_a_users_own_role_properties_match_the_role_layer():
    """Templates read user.is_reviewer and the like; they must agree with the checks above."""
    for name in ROLES:
        user = _persona(name)
        assert [user.is_reviewer, user.is_senior_reviewer, user.is_rights_holder, user.is_seller,
                user.is_marketplace] == [permissions.is_reviewer(user), permissions.is_senior(user),
                                         permissions.is_rights_holder(user), permissions.is_seller(user),
                                         permissions.is_marketplace(user)]


@pytest.mark.django_db
def test_a_deactivated_accounts_session_is_anonymous_so_no_page_asks_its_role(client):
    reviewer = UserFactory(username="gone", role=Role.REVIEWER, is_active=False)
    client.force_login(reviewer)
    assert client.get(reverse("review:queue")).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_deactivated_accounts_token_is_refused_before_any_role_check(client):
    holder = UserFactory(username="gone", role=Role.RIGHTS_HOLDER, is_active=False)
    response = client.get(reverse("reports_api:report_list"), HTTP_AUTHORIZATION=f"Token {api_key_for(holder)}")
    assert response.status_code == 401


# --- what each caller says: the messages people see did not change ----------------------------

def _seller():
    return User(username="seller", email="seller@example.test", role=Role.SELLER)


def _reviewer():
    return User(username="rev", role=Role.REVIEWER)


CALLERS = [
    ("notifier sanctions", lambda: sanctions_for_senior(user=_reviewer()), PermissionDenied,
     "Only senior reviewers decide on notifier sanctions."),
    ("case notes", lambda: case_note_add(case=None, author=_seller(), text="x"), PermissionDenied,
     "Only reviewers write case notes."),
    ("reassigning, by a reviewer", lambda: case_reassign(case=None, senior=_reviewer(), to_reviewer=_reviewer()),
     PermissionDenied, "Only senior reviewers can reassign cases."),
    ("reassigning, to a seller",
     lambda: case_reassign(case=None, senior=User(role=Role.SENIOR_REVIEWER), to_reviewer=_seller()),
     CaseError, "seller is not an active reviewer."),
    ("reassigning, to a deactivated reviewer",
     lambda: case_reassign(case=None, senior=User(role=Role.SENIOR_REVIEWER),
                           to_reviewer=User(username="rev", role=Role.REVIEWER, is_active=False)),
     CaseError, "rev is not an active reviewer."),
    ("claiming", lambda: case_claim(case=None, reviewer=_seller()), CaseError, "Only reviewers can claim cases."),
    ("API tokens", lambda: api_token_create(user=_seller()), PermissionDenied,
     "API tokens are for rights holders and the marketplace's service account."),
    ("registering a brand", lambda: brand_create(user=_seller(), name="X", website="", owner_company="X",
                                                 country="DE"),
     RegistryError, "Only rights-holder accounts can register a brand."),
    ("verifying rights", lambda: registry_require_reviewer(_seller()), PermissionDenied,
     "Only trust-and-safety reviewers verify rights."),
    ("proposing a suspension", lambda: suspension_propose(case=None, reviewer=_seller(), reason=""),
     SuspensionError, "Only reviewers propose suspensions."),
    ("webhook endpoints", lambda: webhook_endpoint_create(owner=_reviewer(), url="https://example.test/hook",
                                                          event_types=["x"]),
     WebhookError, "Only the marketplace's service account registers webhook endpoints."),
    ("evidence files", lambda: evidence_get_for_user(user=_seller(), pk=1), Http404, "No such file"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "call", "error", "message"), CALLERS, ids=[c[0] for c in CALLERS])
def test_each_service_refuses_the_wrong_role_with_the_same_words_as_before(what, call, error, message):
    with pytest.raises(error) as exc:
        call()
    assert str(exc.value) == message


@pytest.mark.django_db
def test_invitations_are_not_accepted_for_an_account_that_is_not_a_rights_holder():
    admin = UserFactory(username="owner", role=Role.RIGHTS_HOLDER)
    brand = brand_create(user=admin, name="Owned", website="", owner_company="Owned", country="US")
    seller = UserFactory(username="selling", role=Role.SELLER)
    invitation = brand_member_invite(brand=brand, by=admin, email=seller.email, role="agent")
    with pytest.raises(RegistryError, match="rights-holder"):
        brand_invitation_accept(invitation=invitation, user=seller)


def _page(response) -> str:
    return html.unescape(response.content.decode())


PAGES = [
    ("seller", "get", "api_token", {}, "API tokens are for rights holders and the marketplace's service account."),
    ("rev1", "get", "registry:brand_new", {}, "Only rights-holder accounts register brands."),
    ("seller", "get", "registry:verification_queue", {}, "Only trust-and-safety reviewers verify rights."),
    ("alice", "get", "registry:verification_queue", {}, "Only trust-and-safety reviewers verify rights."),
    ("rev1", "get", "reporters:reporter_standing", {}, "Only rights holders file notices."),
    ("rev1", "get", "review:sanction_list", {}, "Only senior reviewers decide on notifier sanctions."),
    ("alice", "get", "webhooks:webhook_list", {}, "Webhooks are for the marketplace's service account."),
]


@pytest.mark.parametrize(("persona", "method", "url", "data", "message"), PAGES,
                         ids=[f"{p[0]}-{p[2]}" for p in PAGES])
def test_each_page_refuses_the_wrong_role_with_the_same_words_as_before(world, client, persona, method, url,
                                                                        data, message):
    user = world.sam if persona == "seller" else getattr(world, persona)
    client.force_login(user)
    response = getattr(client, method)(reverse(url), data)
    assert response.status_code == 403
    assert message in _page(response)


def test_a_reviewer_cannot_withdraw_a_report(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("reporters:report_withdraw", args=[case.report_id]), {"confirm": "yes"})
    assert response.status_code == 403
    assert "Only rights holders file and follow reports." in _page(response)


def test_only_a_senior_reviewer_can_reassign_a_case(world, client):
    case = open_case(world)
    client.force_login(world.rev1)
    response = client.post(reverse("review:case_reassign", args=[case.pk]), {"reviewer": world.rev2.pk})
    assert response.status_code == 403
    assert "Only senior reviewers can reassign cases." in _page(response)


def test_the_reassign_form_is_on_an_open_case_for_a_senior_only(world, client):
    case = open_case(world)
    client.force_login(world.senior)
    assert 'action="' + reverse("review:case_reassign", args=[case.pk]) in _page(
        client.get(reverse("review:case_detail", args=[case.pk])))
    client.force_login(world.rev1)
    assert reverse("review:case_reassign", args=[case.pk]) not in _page(
        client.get(reverse("review:case_detail", args=[case.pk])))


def test_the_webhooks_api_tells_a_rights_holder_it_is_for_the_marketplace(world, client):
    client.force_login(world.alice)
    response = client.get(reverse("webhooks_api:endpoint_list"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Webhooks are for the marketplace's service account."


def test_the_marketplace_account_alone_sees_the_webhooks_link_and_the_api_card(world, client):
    market = UserFactory(username="market", role=Role.MARKETPLACE)
    client.force_login(market)
    page = _page(client.get(reverse("home")))
    assert reverse("webhooks:webhook_list") in page and "Push listings; receive enforcement webhooks." in page
    assert "Your account has no role yet" not in page
    for user in (world.alice, world.rev1, world.senior, world.sam, world.outsider):
        client.force_login(user)
        page = _page(client.get(reverse("home")))
        assert reverse("webhooks:webhook_list") not in page and "Push listings" not in page


# --- the scan: no role checks outside the permissions layer ------------------------------------

USER_ROLE_PROPERTIES = {"is_reviewer", "is_senior_reviewer", "is_rights_holder", "is_seller", "is_marketplace"}
PERMISSION_MODULES = {"accounts.permissions", "rest_framework.permissions"}

# file -> why it may look at a role directly. Keep it short.
ALLOWED = {
    "accounts/models.py": "the User model defines its role properties",
    "accounts/permissions.py": "the permissions layer itself",
    "registry/models.py": "BrandMember defines is_admin / is_agent (a brand membership's role)",
}


def _is_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "role")


def _base_name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _role_checks(tree: ast.AST):
    """(line, what) for each role check in a module's code."""
    imported_permissions = {alias.asname or alias.name for n in ast.walk(tree)
                            if isinstance(n, ast.ImportFrom) and n.module in PERMISSION_MODULES
                            for alias in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(_is_role(x) for x in [node.left, *node.comparators]):
            yield node.lineno, "compares .role"
        elif isinstance(node, ast.Attribute) and node.attr in USER_ROLE_PROPERTIES and not (
                isinstance(node.value, ast.Name) and node.value.id == "permissions"):
            yield node.lineno, f"reads .{node.attr}"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and node.args[1].value in USER_ROLE_PROPERTIES):
            yield node.lineno, f"reads .{node.args[1].value}"
        elif isinstance(node, ast.ClassDef):
            bases = {_base_name(b) for b in node.bases}
            methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            if ("BasePermission" in bases or bases & imported_permissions
                    or any(isinstance(b, ast.Attribute) and _base_name(b.value) == "permissions"
                           for b in node.bases)
                    or methods & {"has_permission", "has_object_permission"}):
                yield node.lineno, f"defines a permission class {node.name}"


def _app_files(base: Path) -> list[Path]:
    apps = [p.parent for p in base.glob("*/apps.py")]
    return sorted(f for app in apps for f in app.rglob("*.py")
                  if "migrations" not in f.parts and ".venv" not in f.parts)


def _violations(base: Path) -> list[str]:
    found = []
    for path in _app_files(base):
        rel = path.relative_to(base).as_posix()
        if rel in ALLOWED:
            continue
        found += [f"{rel}:{line} {what}" for line, what in _role_checks(ast.parse(path.read_text()))]
    return found


TEMPLATE_ROLE_COMPARE = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|(==|!=)\s*[\w.]+\.role\b")


def _template_violations(base: Path) -> list[str]:
    found = []
    for path in sorted((base / "templates").rglob("*.html")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_ROLE_COMPARE.search(line):
                found.append(f"{path.relative_to(base).as_posix()}:{n}")
    return found


def test_no_app_checks_a_role_outside_the_permissions_layer():
    found = _violations(Path(settings.BASE_DIR))
    assert found == [], ("Check roles with accounts.permissions (is_*/require_*, IsRightsHolder, IsMarketplace*); "
                         "brand membership roles with BrandMember.is_admin/is_agent:\n" + "\n".join(found))


def test_no_template_compares_a_raw_role():
    found = _template_violations(Path(settings.BASE_DIR))
    assert found == [], "Read user.is_reviewer, user.is_marketplace and the like instead:\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_role_check():
    code = (
        "from rest_framework import permissions\n"
        "from accounts.permissions import IsMarketplace\n"
        "def f(user, member):\n"
        "    if user.role == 'marketplace': pass\n"
        "    if 'admin' != member.role: pass\n"
        "    if getattr(user, 'role') in ('a', 'b'): pass\n"
        "    if user.is_reviewer: pass\n"
        "    if getattr(user, 'is_senior_reviewer', False): pass\n"
        "    return permissions.is_seller(user)\n"
        "class Mine(permissions.BasePermission): pass\n"
        "class Narrower(IsMarketplace): message = 'x'\n"
        "class Sneaky:\n"
        "    def has_permission(self, request, view): return True\n"
    )
    assert sorted(_role_checks(ast.parse(code))) == [
        (4, "compares .role"), (5, "compares .role"), (6, "compares .role"), (7, "reads .is_reviewer"),
        (8, "reads .is_senior_reviewer"), (10, "defines a permission class Mine"),
        (11, "defines a permission class Narrower"), (12, "defines a permission class Sneaky"),
    ]


def test_the_scan_leaves_the_permissions_layer_and_role_free_code_alone():
    code = (
        "from accounts.permissions import is_reviewer, require_senior\n"
        "def f(user, doc, role):\n"
        "    require_senior(user, 'Only senior reviewers decide appeals.')\n"
        "    Member.objects.filter(role='admin')\n"
        "    user.role = 'seller'\n"
        "    return is_reviewer(user) and role == 'agent' and doc.kind == 'x'\n"
    )
    assert list(_role_checks(ast.parse(code))) == []


def test_the_scan_fails_on_a_planted_check_in_an_app_but_not_in_the_allowed_files(tmp_path):
    for app, source in [("shop", "def f(user):\n    return user.role == 'seller'\n"),
                        ("accounts", "def f(user):\n    return user.role == 'seller'\n")]:
        (tmp_path / app / "migrations").mkdir(parents=True)
        (tmp_path / app / "apps.py").write_text("")
        (tmp_path / app / "models.py").write_text(source)
        (tmp_path / app / "migrations" / "0001_initial.py").write_text(source)
    assert _violations(tmp_path) == ["shop/models.py:2 compares .role"]


def test_the_template_scan_fails_on_a_planted_comparison(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% if user.is_marketplace %}ok{% endif %}\n{% if user.role == "marketplace" %}no{% endif %}\n'
        "{% if Role.SELLER == request.user.role %}no{% endif %}\n{% if not user.role %}ok{% endif %}\n")
    assert _template_violations(tmp_path) == ["templates/page.html:2", "templates/page.html:3"]
