"""A real headless Chromium moderates in the admin; the approved post then reaches the API and a user's stream."""

import pytest
from playwright.sync_api import expect

from activities.selectors import stream_entries
from aggiefeed.models import Post
from tests.aggiefeed.conftest import make_activity
from tests.factories import PASSWORD, GroupFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_approver_filters_the_queue_and_approves_a_post_in_the_browser(browser_page, key_client, approver):
    student = UserFactory(username="stu")
    student.groups.add(GroupFactory(name="students"))
    wanted = make_activity(title="Exam schedule posted", to={"groups": ["students"]})
    other = make_activity(title="Farmers market", to={"groups": ["staff"]})
    other["object"]["ucdSrcId"] = "content-2"
    other["ucdEdusMeta"]["labels"] = ["~campus-life"]
    for activity in (wanted, other):
        assert key_client.post("/api/v1/activity", {"activity": activity}, format="json").status_code == 201
    page = browser_page

    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", approver.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.click("text=Approval queue")
    page.click("#changelist-filter >> text=~academic")
    page.wait_for_url("**label=~academic**")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)  # waits for the filtered list, unlike a bare count()
    expect(rows.first).to_contain_text("Exam schedule posted")
    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")

    expect(page.locator(".messagelist")).to_contain_text("Approved 1 post(s); 1 went live.")
    approved = Post.objects.get(title="Exam schedule posted")
    assert approved.status == "l"
    assert Post.objects.get(title="Farmers market").status == "a"
    live = key_client.get("/api/v1/activity?s=0&l=10&u=stu")
    assert [item["title"] for item in live.json()] == ["Exam schedule posted"]
    entries = list(stream_entries(user_id=student.pk, source="aggiefeed").select_related("activity"))
    assert [entry.activity.object_name for entry in entries] == ["Exam schedule posted"]
    assert entries[0].activity.object_id == approved.object_id
