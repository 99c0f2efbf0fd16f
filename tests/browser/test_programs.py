"""A program's life in a real browser: the school reports with evidence, the curator comments and returns it,
the coordinator approves it."""

import datetime

import pytest
from playwright.sync_api import expect

from opora.accounts.models import User
from opora.programs.models import ActivityStatus, Program, ProgramStatus
from opora.programs.services import activity_save, program_create
from tests.browser.conftest import SCREENSHOTS, Visit

pytestmark = pytest.mark.browser


def _as(browser, live_server, username):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900})
    visit = Visit(context.new_page(), live_server.url, username)
    visit.login(username)
    return context, visit


def test_school_reports_curator_returns_and_coordinator_approves(demo_region, browser, live_server, tmp_path):
    # Given: the school team's roadmap with one activity
    team = User.objects.get(username="school")
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы на 2026/2027", school=team.school)
    activity = activity_save(
        program=program,
        activity=None,
        data={
            "content": "Педагогический совет по итогам ВПР",
            "deadline": "декабрь 2026",
            "ends_on": datetime.date(2026, 12, 25),
            "owners": "Директор",
        },
        by=team,
    )
    evidence = tmp_path / "протокол.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% protocol of the council\n")

    # When the school marks it done with a report and evidence, and sends the program for review
    context, visit = _as(browser, live_server, "school")
    visit.open(f"/programs/{program.pk}/activities/{activity.pk}/")
    visit.page.get_by_label("Новое состояние").select_option("done")
    visit.page.get_by_label("Короткий отчёт").fill("Педсовет проведён, протокол № 3")
    visit.page.get_by_label("Подтверждающие файлы").set_input_files(str(evidence))
    visit.page.get_by_role("button", name="Сохранить с отчётом").click()
    expect(visit.page.get_by_text("протокол.pdf")).to_be_visible()
    visit.open(f"/programs/{program.pk}/")
    visit.page.get_by_role("button", name="Отправить на согласование").click()
    expect(visit.page.get_by_text("Программа отправлена на согласование.")).to_be_visible()
    visit.screenshot("program-sent")
    context.close()

    # the curator comments on the activity and returns the program with remarks
    context, visit = _as(browser, live_server, "curator")
    visit.open(f"/programs/{program.pk}/activities/{activity.pk}/")
    visit.page.get_by_label("Комментарий").fill("Приложите, пожалуйста, и план работы по итогам педсовета.")
    visit.page.get_by_role("button", name="Добавить комментарий").click()
    expect(visit.page.get_by_text("Приложите, пожалуйста")).to_be_visible()
    visit.open(f"/programs/{program.pk}/")
    visit.page.get_by_label("Замечания").fill("Добавьте мероприятия по работе с родителями.")
    visit.page.get_by_role("button", name="Вернуть с замечаниями").click()
    expect(visit.page.get_by_text("Программа возвращена на доработку с замечаниями.")).to_be_visible()
    context.close()
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.REWORK

    # the school sends it again, and the coordinator approves it by an order
    context, visit = _as(browser, live_server, "school")
    visit.open(f"/programs/{program.pk}/")
    expect(visit.page.get_by_text("Добавьте мероприятия по работе с родителями.")).to_be_visible()
    visit.page.get_by_role("button", name="Отправить на согласование").click()
    context.close()
    context, visit = _as(browser, live_server, "coordinator")
    visit.open(f"/programs/{program.pk}/")
    visit.page.get_by_label("Номер приказа").fill("27-од")
    visit.page.get_by_role("button", name="Утвердить приказом").click()
    expect(visit.page.get_by_text("Программа утверждена: версия 1.")).to_be_visible()
    visit.screenshot("program-approved")
    # the program's journal of changes loads when the page is scrolled down to it
    visit.page.locator("#audit").scroll_into_view_if_needed()
    expect(visit.page.locator("#audit table")).to_be_visible()
    expect(visit.page.locator("#audit")).to_contain_text("изменено")
    context.close()

    # Then: the program is approved with its version, the activity done with its evidence in the history
    program.refresh_from_db()
    assert program.status == ProgramStatus.APPROVED and program.versions.count() == 1
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.events.get().evidence.get().original_name == "протокол.pdf"
    assert activity.comments.get().author.username == "curator"
    assert SCREENSHOTS.exists()
