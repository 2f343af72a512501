import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from config.db_router import REPLICA_ALIAS, ReplicaRouter, ReplicaRoutingMiddleware, use_replica
from tests.factories import UserFactory


@pytest.fixture
def replica_alias(settings):
    """A second database alias, ``replica``, on the same database (as a streaming replica would be)."""
    config = {**connections.settings["default"], "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA_ALIAS] = config
    settings.DATABASES = {**settings.DATABASES, REPLICA_ALIAS: config}  # what DATABASE_REPLICA_URL sets up
    yield REPLICA_ALIAS
    connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]


def test_reads_stay_on_the_primary_without_a_replica():
    token = use_replica.set(True)
    try:
        assert ReplicaRouter().db_for_read(UserFactory._meta.model) is None
    finally:
        use_replica.reset(token)


@pytest.mark.django_db(transaction=True)
def test_marked_reads_go_to_the_replica_and_writes_to_the_primary(replica_alias):
    router = ReplicaRouter()
    model = UserFactory._meta.model

    token = use_replica.set(True)
    try:
        assert router.db_for_read(model) == "replica"
        assert router.db_for_write(model) == "default"
        with transaction.atomic():
            assert router.db_for_read(model) is None  # read-your-writes inside a transaction
    finally:
        use_replica.reset(token)
    assert router.db_for_read(model) is None
    assert router.allow_migrate("replica", "accounts") is False


def test_only_safe_requests_on_read_only_paths_are_marked_for_the_replica(rf, settings):
    settings.REPLICA_READ_PATHS = ["/ocs/"]
    seen = []
    middleware = ReplicaRoutingMiddleware(lambda request: seen.append(use_replica.get()) or HttpResponse())

    middleware(rf.get("/ocs/v2.php/apps/activity/api/v2/activity"))
    middleware(rf.post("/ocs/v2.php/apps/activity/api/v2/activity"))
    middleware(rf.get("/login"))

    assert seen == [True, False, False]
    assert use_replica.get() is False


def test_routed_reads_run_on_the_replica_connection(django_db_setup, django_db_blocker, replica_alias):
    # Outside pytest-django's per-test transaction on purpose: the replica is another connection and must
    # see committed rows, as a real replica would.
    with django_db_blocker.unblock():
        user = UserFactory()
        try:
            token = use_replica.set(True)
            try:
                with (
                    CaptureQueriesContext(connections["default"]) as primary,
                    CaptureQueriesContext(connections["replica"]) as replica,
                ):
                    found = get_user_model().objects.filter(pk=user.pk).exists()
            finally:
                use_replica.reset(token)
        finally:
            user.delete()

    assert found is True
    assert len(replica.captured_queries) == 1
    assert len(primary.captured_queries) == 0
