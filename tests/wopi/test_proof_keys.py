import base64
from datetime import UTC, datetime, timedelta

import pytest

from tests.wopi.conftest import contract_json
from tests.wopi.proofkit import new_key, proof_headers, proof_key_element, ticks
from wopi.proof import proof_keys_from_attributes, proof_keys_from_element, proof_valid, timestamp_fresh

pytestmark = pytest.mark.django_db

VECTORS = contract_json("proof_keys/proof_key_test_vectors.json")
CURRENT, OLD = new_key(), new_key()
INVALID = base64.b64encode(b"INVALID").decode()


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_microsoft_proof_key_vectors(case):
    keys = proof_keys_from_attributes(VECTORS["discovery_proof_key"])

    valid = proof_valid(
        keys=keys,
        token=case["access_token"],
        url=case["url"],
        timestamp=case["x_wopi_timestamp"],
        proof=case["x_wopi_proof"],
        proof_old=case["x_wopi_proof_old"],
    )

    assert valid is case["expected_valid"]


def test_timestamps_older_than_twenty_minutes_are_stale():
    assert timestamp_fresh(ticks())
    assert timestamp_fresh(ticks(datetime.now(UTC) - timedelta(minutes=19)))
    assert not timestamp_fresh(ticks(datetime.now(UTC) - timedelta(minutes=21)))
    assert not timestamp_fresh(VECTORS["cases"][0]["x_wopi_timestamp"])


def test_a_proof_key_element_without_a_current_key_configures_nothing():
    assert proof_keys_from_element("") is None
    assert proof_keys_from_element('<proof-key oldmodulus="AQAB" oldexponent="AQAB" />') is None


@pytest.fixture
def signed(settings, wopi, wopi_file, owner_token):
    settings.WOPI_PROOF_KEYS = proof_key_element(CURRENT, OLD)
    url = f"http://testserver/wopi/files/{wopi_file.pk}?access_token={owner_token}"

    def request(**overrides):
        headers = proof_headers(CURRENT, OLD, token=owner_token, url=url) | overrides
        return wopi.call("GET", wopi_file.pk, token=owner_token, headers=headers)

    return request


def test_a_request_signed_with_the_current_key_is_accepted(signed):
    assert signed().status_code == 200


def test_proof_old_signed_with_the_current_key_is_accepted(signed, owner_token, wopi_file):
    url = f"http://testserver/wopi/files/{wopi_file.pk}?access_token={owner_token}"
    good = proof_headers(CURRENT, OLD, token=owner_token, url=url)

    response = signed(**good | {"X-WOPI-Proof": INVALID, "X-WOPI-ProofOld": good["X-WOPI-Proof"]})

    assert response.status_code == 200


def test_proof_signed_with_the_old_key_is_accepted(signed, owner_token, wopi_file):
    url = f"http://testserver/wopi/files/{wopi_file.pk}?access_token={owner_token}"
    good = proof_headers(CURRENT, OLD, token=owner_token, url=url)

    response = signed(**good | {"X-WOPI-Proof": good["X-WOPI-ProofOld"], "X-WOPI-ProofOld": INVALID})

    assert response.status_code == 200


def test_only_proof_old_signed_with_the_old_key_is_refused_with_500(signed):
    response = signed(**{"X-WOPI-Proof": INVALID})

    assert response.status_code == 500
    assert response["X-WOPI-ServerError"] == "proof check failed"
    assert response.content == b""


def test_an_unsigned_request_is_refused_when_keys_are_configured(settings, wopi, wopi_file, owner_token):
    settings.WOPI_PROOF_KEYS = proof_key_element(CURRENT, OLD)

    response = wopi.check_file_info(wopi_file, token=owner_token)

    assert response.status_code == 500
    assert response["X-WOPI-ServerError"] == "proof check failed"


def test_a_stale_timestamp_is_refused(signed, owner_token, wopi_file):
    url = f"http://testserver/wopi/files/{wopi_file.pk}?access_token={owner_token}"
    stale = proof_headers(CURRENT, OLD, token=owner_token, url=url, timestamp=ticks(datetime(2015, 8, 17, tzinfo=UTC)))

    response = signed(**stale)

    assert response.status_code == 500


def test_a_proof_for_another_url_is_refused(signed, owner_token, wopi_file):
    other = proof_headers(CURRENT, OLD, token=owner_token, url=f"http://testserver/wopi/files/{wopi_file.pk}")

    response = signed(**other)

    assert response.status_code == 500


def test_the_proof_check_runs_before_the_token_check(settings, wopi, wopi_file):
    settings.WOPI_PROOF_KEYS = proof_key_element(CURRENT, OLD)

    response = wopi.check_file_info(wopi_file, token="garbage")

    assert response.status_code == 500


def test_without_keys_proof_headers_are_ignored(wopi, wopi_file, owner_token):
    response = wopi.call("GET", wopi_file.pk, token=owner_token, headers={"X-WOPI-Proof": INVALID})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "timestamp",
    ["9" * 30, "-" + "9" * 30, "9223372036854775808", "1e10", "١٢٣", ""],
    ids=["huge", "huge-negative", "just-past-int64", "float", "non-ascii-digits", "empty"],
)
def test_a_timestamp_that_is_no_64_bit_number_is_a_handled_proof_failure(signed, timestamp):
    response = signed(**{"X-WOPI-TimeStamp": timestamp})

    assert response.status_code == 500
    assert response["X-WOPI-ServerError"] == "proof check failed"
    assert response.content == b""
