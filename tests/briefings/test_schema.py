"""The OpenAPI schema, its two documentation pages, and a schemathesis run over every operation."""

import base64
import hashlib
import re
from pathlib import Path

import drf_spectacular_sidecar
import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from briefings.actions import import_briefing
from sahel_learn import api_urls

REDOC_BUNDLE = Path(drf_spectacular_sidecar.__file__).parent / "static/drf_spectacular_sidecar/redoc/bundles"
# The Redoc bundle whose perfect-scrollbar stylesheet hash is in sahel_learn/api_urls.py. After an
# upgrade of drf-spectacular-sidecar, take the new hash from Chromium's console on /api/redoc/.
REDOC_BUNDLE_SHA256 = "dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b"

OPERATIONS = {
    "/api/v1/sections/",
    "/api/v1/sections/{slug}/",
    "/api/v1/countries/",
    "/api/v1/countries/{slug}/",
    "/api/v1/actors/",
    "/api/v1/actors/{slug}/",
    "/api/v1/leaders/",
    "/api/v1/leaders/{slug}/",
    "/api/v1/timeline/",
    "/api/v1/timeline/{slug}/",
    "/api/v1/figures/",
    "/api/v1/figures/{slug}/",
    "/api/v1/concepts/",
    "/api/v1/concepts/{slug}/",
    "/api/v1/faq/",
    "/api/v1/faq/{slug}/",
    "/api/v1/sources/",
    "/api/v1/sources/{slug}/",
    "/api/v1/search/",
}
# The quizzes API (tests/quizzes/test_api_schema.py documents its answers).
QUIZ_OPERATIONS = {
    "/api/v1/questions/",
    "/api/v1/questions/{id}/",
    "/api/v1/quizzes/",
    "/api/v1/quizzes/{slug}/",
    "/api/v1/quizzes/{slug}/attempts/",
    "/api/v1/attempts/",
    "/api/v1/attempts/{id}/",
    "/api/v1/attempts/{id}/responses/{question_id}/",
    "/api/v1/attempts/{id}/flags/{question_id}/",
    "/api/v1/attempts/{id}/submit/",
    "/api/v1/study/stats/",
    "/api/v1/quizzes/{slug}/item-analysis/",
    "/api/v1/cohorts/",
    "/api/v1/cohorts/{id}/",
    "/api/v1/cohorts/{id}/forecast/",
    "/api/v1/cohorts/{id}/join-code/",
    "/api/v1/cohorts/{id}/members/",
    "/api/v1/cohorts/{id}/members/{student_id}/",
    "/api/v1/cohorts/join/",
    "/api/v1/assignments/",
    "/api/v1/assignments/{id}/",
    "/api/v1/assignments/{id}/extensions/",
    "/api/v1/cohorts/{id}/gradebook/",
}
# The study API (tests/quizzes/test_api_schema.py documents its answers).
STUDY_OPERATIONS = {
    "/api/v1/study/next/",
    "/api/v1/study/check/",
    "/api/v1/study/reviews/",
    "/api/v1/study/undo/",
    "/api/v1/study/settings/",
    "/api/v1/study/optimize/",
}


def _openapi(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


# --- The schema ----------------------------------------------------------------------------


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning or error; --validate checks against the OpenAPI 3 spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == OPERATIONS | QUIZ_OPERATIONS | STUDY_OPERATIONS


def test_every_operation_documents_its_error_answers(client):
    paths = _openapi(client)["paths"]

    for path, operations in paths.items():
        if path in QUIZ_OPERATIONS | STUDY_OPERATIONS:
            continue
        assert set(operations) == {"get"}, path
        codes = set(operations["get"]["responses"])
        if path == "/api/v1/search/":
            assert codes == {"200", "400", "403"}
        else:
            assert codes == {"200", "400", "403", "404"}, path


def test_list_operations_document_their_filters_and_status(client):
    paths = _openapi(client)["paths"]

    def params(path):
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert params("/api/v1/timeline/") == {"country", "actor", "year_from", "year_to", "kind", "page", "status"}
    assert params("/api/v1/leaders/") == {"country", "role", "kind", "page", "status"}
    assert params("/api/v1/actors/") == {"actor_type", "country", "kind", "page", "status"}
    assert params("/api/v1/figures/") == {"country", "actor", "kind", "page", "status"}
    assert params("/api/v1/sections/") == {"kind", "page", "status"}
    for path in ("countries", "concepts", "faq", "sources"):
        assert params(f"/api/v1/{path}/") == {"kind", "page", "status"}
    assert params("/api/v1/leaders/{slug}/") == {"slug", "status"}
    assert params("/api/v1/search/") == {"q"}


def test_404_and_400_bodies_are_documented(client):
    schema = _openapi(client)
    responses = schema["paths"]["/api/v1/leaders/{slug}/"]["get"]["responses"]

    assert responses["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["properties"] == {"detail": {"type": "string"}}
    assert responses["400"]["content"]["application/json"]["schema"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_schema_file_name_is_the_title(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="Sahel Learn API.yaml"'


@pytest.mark.parametrize("version", ["\x00", "\r\n", '"; x=y', "v1", "1.0.0", ""])
def test_schema_refuses_a_version_it_does_not_know(client, version):
    """Anonymous, as anyone can ask; the version never reaches a header."""
    response = client.get("/api/schema/", {"version": version}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This API has only one version: ask for the schema without “version”."]}
    assert "Content-Disposition" not in response


# --- The documentation pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ours"),
    [
        ("/api/docs/", ["/static/api/swagger-ui.css", "/static/api/swagger-ui.js"]),
        ("/api/redoc/", ["/static/api/redoc.css", "/static/api/redoc.js"]),
    ],
)
def test_documentation_pages_use_only_our_own_static_files(client, url, ours):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "http://" not in html
    assert "https://" not in html
    assert '<html lang="en">' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    vendor = [source for source in sources if source.startswith("/static/drf_spectacular_sidecar/")]
    assert vendor
    assert [source for source in sources if source not in vendor] == ours
    assert "/api/schema/" in html


def _nonce(policy, directive):
    rule = next(part.strip() for part in policy.split(";") if part.strip().startswith(directive + " "))
    return rule, re.findall(r"'nonce-([^']+)'", rule)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_inline_code_carries_the_policy_nonce(client, url):
    response = client.get(url)
    html = response.content.decode()
    policy = response["Content-Security-Policy"]

    script_rule, script_nonces = _nonce(policy, "script-src")
    style_rule, style_nonces = _nonce(policy, "style-src")
    inline = re.findall(r"<(script|style)( nonce=\"[^\"]*\")?>", html)

    assert len(script_nonces) == 1
    assert style_nonces == script_nonces
    assert "unsafe" not in policy
    assert script_rule == f"script-src 'self' 'nonce-{script_nonces[0]}'"
    assert inline
    assert inline == [(tag, f' nonce="{script_nonces[0]}"') for tag, _ in inline]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_each_request_gets_a_new_nonce(client):
    first = _nonce(client.get("/api/docs/")["Content-Security-Policy"], "script-src")[1]
    second = _nonce(client.get("/api/docs/")["Content-Security-Policy"], "script-src")[1]

    assert first != second


def test_swagger_policy_adds_only_the_nonce(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    style_rule, (nonce,) = _nonce(policy, "style-src")

    assert style_rule == f"style-src 'self' 'nonce-{nonce}'"
    assert "worker-src" not in policy


def test_redoc_policy_adds_the_nonce_two_style_hashes_and_blob_workers(client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    style_rule, (nonce,) = _nonce(policy, "style-src")

    assert style_rule == (
        f"style-src 'self' 'nonce-{nonce}' {api_urls.EMPTY_STYLE_HASH} {api_urls.PERFECT_SCROLLBAR_STYLE_HASH}"
    )
    assert "worker-src 'self' blob:" in policy


def test_redoc_bundle_is_the_one_the_style_hash_was_taken_from():
    bundle = REDOC_BUNDLE / "redoc.standalone.js"

    assert hashlib.sha256(bundle.read_bytes()).hexdigest() == REDOC_BUNDLE_SHA256
    assert "'sha256-" + _b64_sha256(b"") + "'" == api_urls.EMPTY_STYLE_HASH


def _b64_sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_other_pages_keep_the_strict_site_policy(client):
    policy = client.get("/api/v1/")["Content-Security-Policy"]

    assert "nonce-" not in policy
    assert "sha256-" not in policy
    assert "script-src 'self';" in policy + ";"
    assert "style-src 'self';" in policy + ";"


# --- schemathesis over every operation -----------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@pytest.fixture(scope="module")
def real_content(django_db_setup, django_db_blocker):
    """The real article and content pack, loaded once for this module and rolled back after it.

    Each test's own transaction (``django_db``) nests inside this one as a savepoint.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        import_briefing(article_path=settings.BRIEFING_SOURCE, pack_dir=settings.BRIEFING_PACK, publish=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def in_process_requests():
    """Requests go through the WSGI handler in this thread: keep the test's connection open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _refused_though_well_formed(case):
    """A year range that ends before it starts, or a slug that names no country or actor: well-typed
    yet refused with a documented 400."""
    query = case.query or {}
    if any(query.get(name) not in (None, "") for name in ("country", "actor")):
        return True
    try:
        return int(query["year_from"]) > int(query["year_to"])
    except (KeyError, TypeError, ValueError):
        return False


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, real_content, in_process_requests):
    excluded = [positive_data_acceptance] if _refused_though_well_formed(case) else []
    response = case.call_and_validate(excluded_checks=excluded)

    assert response.status_code < 500
