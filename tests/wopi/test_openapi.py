import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_wopi_operation_is_in_the_openapi_document(schema):
    operations = {
        (path, method): operation["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/wopi/")
        for method, operation in item.items()
    }

    assert operations == {
        ("/wopi/files/{file_id}", "get"): "wopi_check_file_info",
        ("/wopi/files/{file_id}", "post"): "wopi_file_operation",
        ("/wopi/files/{file_id}/activities", "post"): "wopi_file_activities",
        ("/wopi/files/{file_id}/contents", "get"): "wopi_get_file",
        ("/wopi/files/{file_id}/contents", "post"): "wopi_put_file",
    }


def test_the_file_operation_documents_each_override_with_its_headers_bodies_and_answers(schema):
    operation = schema["paths"]["/wopi/files/{file_id}"]["post"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    answers = operation["responses"]

    assert sorted(parameters["X-WOPI-Override"]["schema"]["enum"]) == sorted(
        [
            "LOCK",
            "GET_LOCK",
            "REFRESH_LOCK",
            "UNLOCK",
            "PUT_RELATIVE",
            "RENAME_FILE",
            "DELETE",
            "PUT_USER_INFO",
            "ADD_ACTIVITIES",
            "GET_ACTIVITIES",
        ]
    )
    for header in ("X-WOPI-Lock", "X-WOPI-OldLock", "X-WOPI-SuggestedTarget", "X-WOPI-RelativeTarget"):
        assert parameters[header]["in"] == "header"
    for header in ("X-WOPI-OverwriteRelativeTarget", "X-WOPI-Size", "X-WOPI-RequestedName"):
        assert parameters[header]["in"] == "header"
    for override in ("`PUT_RELATIVE`", "`RENAME_FILE`", "`DELETE`", "`PUT_USER_INFO`", "`GET_LOCK`"):
        assert f"| {override}" in operation["description"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "application/octet-stream", "text/plain"}
    reference = answers["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    one_of = schema["components"]["schemas"][reference]["oneOf"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in one_of} == {
        "AddActivitiesOutput",
        "GetActivitiesOutput",
        "PutRelativeFileOutput",
        "RenameFileOutput",
    }
    assert set(answers["409"]["headers"]) >= {"X-WOPI-Lock", "X-WOPI-ValidRelativeTarget"}
    assert "X-WOPI-InvalidFileNameError" in answers["400"]["headers"]
    assert "X-WOPI-ItemVersion" in answers["200"]["headers"]


def test_the_host_page_is_a_browser_page_not_an_api_operation(schema):
    assert not [path for path in schema["paths"] if path.startswith("/wopi/open")]


def test_every_status_an_operation_answers_is_documented(schema):
    codes = {
        operation["operationId"]: sorted(operation["responses"])
        for path, item in schema["paths"].items()
        if path.startswith("/wopi/")
        for operation in item.values()
    }

    assert codes == {
        "wopi_check_file_info": ["200", "401", "404", "429", "500"],
        "wopi_file_operation": ["200", "400", "401", "404", "409", "413", "429", "500", "501"],
        "wopi_file_activities": ["200", "400", "401", "404", "413", "429", "500", "501"],
        "wopi_get_file": ["200", "400", "401", "404", "412", "429", "500"],
        "wopi_put_file": ["200", "400", "401", "404", "409", "413", "429", "500", "501"],
    }
