"""Instances built from written-out queries equal what the ORM loads, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection

from accounts.models import User
from aggiefeed.models import ApiKey
from config.rows import model_columns, model_from_row
from tests.factories import AggiefeedApiKeyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def _from_sql(model, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {model_columns(model, 't')} FROM {model._meta.db_table} t WHERE t.id = %s", [pk])  # noqa: S608
        return model_from_row(model, "default", cursor.fetchone())


def test_a_user_from_a_row_is_the_user_the_orm_loads():
    user = UserFactory(is_staff=True)
    User.objects.filter(pk=user.pk).update(last_login=user.date_joined)

    built = _from_sql(User, user.pk)
    loaded = User.objects.get(pk=user.pk)

    assert _fields(built) == _fields(loaded)
    assert built.is_staff is True
    assert built.is_active is True
    assert built.last_login is not None
    assert built.last_login.tzinfo is not None
    assert built._state.adding is False
    assert built._state.db == "default"


def test_an_api_key_from_a_row_is_the_key_the_orm_loads():
    key = AggiefeedApiKeyFactory(staff_scope=True)

    built = _from_sql(ApiKey, key.pk)

    assert _fields(built) == _fields(ApiKey.objects.get(pk=key.pk))
    assert built.staff_scope is True
    assert built.created.tzinfo is not None
    assert built.source == key.source  # the foreign key loads on first use
