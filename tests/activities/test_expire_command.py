"""manage.py expire_activities refuses what it cannot compute (the rest is tests/foundation/test_retention.py)."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", ["1000000", str(10**12)])
def test_days_before_year_one_are_refused(days):
    with pytest.raises(CommandError, match="--days must be at most 36500"):
        call_command("expire_activities", "--days", days)
