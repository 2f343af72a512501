"""The official WOPI validator's cases, read from TestCases.xml at run time and replayed against the host."""

import pytest

from tests.factories import UserFactory, WopiFileFactory
from tests.wopi.conftest import token_for
from tests.wopi.proofkit import new_key, proof_key_element
from tests.wopi.validator import Replayer, group_cases, load_tree, prereq_cases
from wopi.tokens import now_ms

pytestmark = pytest.mark.django_db

TREE = load_tree()
PREREQS = prereq_cases(TREE)
# Contract §16.8: the groups run without proof keys, then ProofKeys with keys configured.
UNSIGNED_GROUPS = (
    "CheckFileInfoSchema",
    "BaseWopiViewing",
    "Locks",
    "GetLock",
    "ExtendedLockLength",
    "EditFlows",
    "FileVersion",
    "PutUserInfo",
    "PutRelativeFile",
    "RenameFileIfCreateChildFileIsNotSupported",
    "AddActivities",
)


def _cases(group):
    prereqs, cases = group_cases(TREE, group)
    return [pytest.param(group, prereqs, case, id=case.get("Name")) for case in cases]


@pytest.fixture
def replayer(client):
    user = UserFactory(display_name="Validator")
    wopi_file = WopiFileFactory(owner=user, name="test.wopitest", content__data=b"")
    token = token_for(user, wopi_file)
    return Replayer(client=client, file_id=str(wopi_file.pk), token=token, ttl=now_ms() + 3_600_000)


def test_the_add_activities_group_has_the_seventeen_cases_of_the_contract():
    assert len(group_cases(TREE, "AddActivities")[1]) == 17


def test_the_replayed_groups_hold_the_seventy_eight_cases_of_the_contract():
    counts = {group: len(group_cases(TREE, group)[1]) for group in (*UNSIGNED_GROUPS, "ProofKeys")}

    assert counts["PutRelativeFile"] == 14
    assert counts["RenameFileIfCreateChildFileIsNotSupported"] == 6
    assert sum(counts.values()) == 78


@pytest.mark.parametrize(("group", "prereqs", "case"), [param for group in UNSIGNED_GROUPS for param in _cases(group)])
def test_validator_case(replayer, group, prereqs, case):
    failures = replayer.run_case(case, [PREREQS[name] for name in prereqs])

    assert failures == []
    assert replayer.sent


@pytest.mark.parametrize(("group", "prereqs", "case"), _cases("ProofKeys"))
def test_validator_proof_keys_case(replayer, settings, group, prereqs, case):
    current, old = new_key(), new_key()
    settings.WOPI_PROOF_KEYS = proof_key_element(current, old)
    replayer.keys = (current, old)

    failures = replayer.run_case(case, [PREREQS[name] for name in prereqs])

    assert failures == []
