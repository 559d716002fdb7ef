"""The quizzes API in the OpenAPI schema: every operation with the answers it can give."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_each_quiz_operation_documents_its_answers(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/questions/", "get") == {"200", "400", "401", "404"}
    assert codes("/api/v1/questions/{id}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/quizzes/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/quizzes/{slug}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/quizzes/{slug}/attempts/", "post") == {"201", "401", "403", "404", "409"}
    assert codes("/api/v1/attempts/", "get") == {"200", "400", "401", "404"}
    assert codes("/api/v1/attempts/{id}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/attempts/{id}/responses/{question_id}/", "put") == {"200", "400", "401", "403", "404", "409"}
    assert codes("/api/v1/attempts/{id}/flags/{question_id}/", "put") == {"200", "400", "401", "403", "404", "409"}
    assert codes("/api/v1/attempts/{id}/submit/", "post") == {"200", "401", "403", "404", "409"}
    assert codes("/api/v1/study/stats/", "get") == {"200", "401"}  # no token or session, or a bad token


def test_each_assignment_operation_documents_its_answers(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/assignments/", "get") == {"200", "401", "403", "404"}
    assert codes("/api/v1/assignments/", "post") == {"201", "400", "401", "403", "404"}
    assert codes("/api/v1/assignments/{id}/", "get") == {"200", "401", "403", "404"}
    for method in ("put", "patch"):
        assert codes("/api/v1/assignments/{id}/", method) == {"200", "400", "401", "403", "404"}
    assert codes("/api/v1/assignments/{id}/", "delete") == {"204", "401", "403", "404"}
    assert codes("/api/v1/assignments/{id}/extensions/", "post") == {"201", "400", "401", "403", "404"}
    refused = paths["/api/v1/assignments/"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert refused == {"$ref": "#/components/schemas/AssignmentError"}


def test_each_study_operation_documents_its_answers(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/study/next/", "get") == {"200", "400", "401"}
    assert codes("/api/v1/study/check/", "post") == {"200", "400", "401", "403", "404", "409"}
    assert codes("/api/v1/study/reviews/", "post") == {"200", "201", "400", "401", "403", "404", "409"}
    assert codes("/api/v1/study/undo/", "post") == {"200", "401", "403", "409"}
    assert codes("/api/v1/study/settings/", "get") == {"200", "401"}
    assert codes("/api/v1/study/settings/", "put") == {"200", "400", "401", "403"}
    assert codes("/api/v1/study/optimize/", "post") == {"201", "400", "401", "403"}
    assert [parameter["name"] for parameter in paths["/api/v1/study/next/"]["get"]["parameters"]] == ["deck"]


def test_study_refusals_and_cards_are_documented_without_an_answer_key(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    conflict = schema["paths"]["/api/v1/study/reviews/"]["post"]["responses"]["409"]

    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/StudyError"}
    assert set(components["StudyError"]["properties"]) == {"detail", "code"}
    assert set(components["StudyCard"]["properties"]) == {
        "question",
        "version",
        "qtype",
        "prompt",
        "statement",
        "unit",
        "is_new",
        "options",
        "matches",
        "ratings",
    }
    assert set(components["StudyOption"]["properties"]) == {"id", "label"}


def test_refusals_document_their_code_and_the_attempt_concerned(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    conflict = schema["paths"]["/api/v1/quizzes/{slug}/attempts/"]["post"]["responses"]["409"]

    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AttemptError"}
    assert set(schema["components"]["schemas"]["AttemptError"]["properties"]) == {"detail", "code", "attempt"}
    answer = schema["components"]["schemas"]["Answer"]["properties"]["answer"]
    assert [variant["type"] for variant in answer["oneOf"]] == ["array", "object", "string"]


def test_every_reference_in_the_schema_names_a_component(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"].removeprefix("#/components/schemas/"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema["paths"])
    walk(schema["components"])

    assert refs
    assert refs - set(schema["components"]["schemas"]) == set()


def test_the_class_forecast_documents_its_answers_and_its_date(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    operation = paths["/api/v1/cohorts/{id}/forecast/"]["get"]

    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    assert [(p["name"], p["in"], p["schema"]) for p in operation["parameters"] if p["in"] == "query"] == [
        ("date", "query", {"type": "string", "format": "date"})
    ]


def test_the_item_analysis_documents_its_answers_and_which_attempts(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    operation = paths["/api/v1/quizzes/{slug}/item-analysis/"]["get"]

    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    assert [
        (p["name"], p["schema"]["enum"], p["schema"]["default"]) for p in operation["parameters"] if p["in"] == "query"
    ] == [("attempts", ["first", "all"], "first")]
