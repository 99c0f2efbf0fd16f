"""Orders about a list: dated sensibly, based on the region's document, amended and cancelled by new orders."""

import dataclasses
import datetime
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opora.identification.models import ApprovedList, Decision, Methodology, OrderKind, RunSchool
from opora.identification.services import list_amend, list_cancel, run_approve
from tests.conftest import ORDER


def paragraphs_of(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs if paragraph.text]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2030, 5, 1), "позже сегодняшней больше чем на неделю"),
        (datetime.date(2026, 3, 1), "Перечень на 2026/2027 учебный год утверждается с 01.06.2026"),
    ],
)
def test_an_order_dated_outside_its_school_year_is_refused(world, day, message):
    with pytest.raises(ValidationError) as error:
        run_approve(
            run=world.run, municipality=None, order=dataclasses.replace(ORDER, date=day), by=world.users["region_admin"]
        )
    assert message in " ".join(error.value.message_dict["order_date"])


def test_an_order_needs_the_document_that_approved_the_methodology(world):
    Methodology.objects.filter(pk=world.run.methodology_id).update(basis_title="")
    world.run.methodology.refresh_from_db()
    with pytest.raises(ValidationError, match="не указан документ, которым она утверждена"):
        run_approve(run=world.run, municipality=None, order=ORDER, by=world.users["region_admin"])


def test_the_order_names_the_regions_document_its_signatory_and_every_procedure(world, client):
    client.force_login(world.users["coordinator"])
    content = client.get(reverse("identification:list_docx", args=[world.approved_list.pk])).content
    paragraphs = paragraphs_of(content)
    preamble = next(text for text in paragraphs if text.startswith("В целях реализации"))
    assert "утверждённой документом: приказ министерства образования «Об утверждении методики" in preamble
    assert "от 01.09.2026 № 314" in preamble
    assert "(ВПР, ОГЭ, ЕГЭ, годовые отметки)" in preamble
    assert "Начальник управления образования\tИ. П. Сидорова" in paragraphs
    assert not any(text.startswith("Руководитель\t") for text in paragraphs)


def test_the_commission_excludes_and_adds_schools_with_reasons(world, client):
    # Given the run's two schools of the municipality, one of them ШНОР by the calculation
    listed, other = world.school, world.sibling
    client.force_login(world.users["coordinator"])

    # When the coordinator approves the list excluding the first and adding the second
    approved = run_approve(
        run=world.run,
        municipality=world.municipality,
        order=dataclasses.replace(ORDER, number="16-од"),
        by=world.users["coordinator"],
        exclusions={listed.code: "решение комиссии от 18.11.2026 № 3: данные за 2024 год неполны"},
        additions={other.code: "решение комиссии от 18.11.2026 № 3: по итогам выездного мониторинга"},
    )

    # Then the appendix holds the added school with its reason, and the decisions are printed
    assert [entry.code for entry in approved.entries.filter(number__gt=0)] == [other.code]
    assert approved.entries.get(code=listed.code).decision == Decision.EXCLUDED
    paragraphs = paragraphs_of(client.get(reverse("identification:list_docx", args=[approved.pk])).content)
    assert any("исключена из перечня: решение комиссии от 18.11.2026 № 3: данные за 2024 год неполны" in text
               for text in paragraphs)
    # and the school's «почему» page shows the decision
    why = client.get(reverse("identification:school", args=[world.run.pk, listed.code])).content.decode()
    assert "Решением комиссии школа исключена из перечня на 2026/2027 учебный год" in why


def test_a_decision_without_a_reason_is_refused_beside_its_field(world, client):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("identification:approve", args=[world.run.pk]),
        {
            "order_number": "17-од",
            "order_date": "2026-11-21",
            "signatory_position": "Начальник",
            "signatory_name": "И. П. Сидорова",
            f"exclude_{world.school.code}": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"exclude_reason_{world.school.code}"]
    assert "Исправьте ошибки" in response.content.decode()


def test_an_amending_order_keeps_both_orders_and_the_old_one_says_so(world, client):
    # Given the coordinator's approved list
    original = world.approved_list
    client.force_login(world.users["coordinator"])

    # When a new order excludes its school
    response = client.post(
        reverse("identification:list_amend", args=[original.pk]),
        {
            "order_number": "21-од",
            "order_date": "2026-11-27",
            "signatory_position": "Начальник управления образования",
            "signatory_name": "И. П. Сидорова",
            f"exclude_{world.school.code}": "on",
            f"exclude_reason_{world.school.code}": "решение комиссии от 26.11.2026 № 4: ошибка в данных",
        },
    )

    # Then both orders exist; the new one amends the old one, which is no longer in force
    amendment = ApprovedList.objects.get(order_number="21-од")
    assert response.status_code == 302 and response["Location"] == reverse("identification:list", args=[amendment.pk])
    assert (amendment.kind, amendment.amends) == (OrderKind.AMENDMENT, original)
    assert not original.in_force and amendment.in_force
    old_page = client.get(reverse("identification:list", args=[original.pk])).content.decode()
    assert "Приказ изменён приказом" in old_page and "от 27.11.2026 № 21-од" in old_page
    paragraphs = paragraphs_of(client.get(reverse("identification:list_docx", args=[amendment.pk])).content)
    assert paragraphs[3].startswith("О внесении изменений в приказ от 20.11.2026 № 15-од")
    # and the amended order cannot be amended again
    with pytest.raises(ValidationError, match="уже изменён или отменён"):
        list_amend(approved=original, order=ORDER, by=world.users["coordinator"], exclusions={})


def test_a_cancelling_order_has_a_reason_and_no_appendix(world, client):
    cancellation = list_cancel(
        approved=world.approved_list,
        order=dataclasses.replace(ORDER, number="22-од", date=datetime.date(2026, 11, 28)),
        reason="Перечень утверждён по неполным данным",
        by=world.users["coordinator"],
    )
    client.force_login(world.users["coordinator"])
    content = client.get(reverse("identification:list_docx", args=[cancellation.pk])).content
    assert docx.Document(io.BytesIO(content)).tables == []
    assert "Приказ отменён приказом" in client.get(
        reverse("identification:list", args=[world.approved_list.pk])
    ).content.decode()


def test_the_regional_list_shows_the_municipal_decisions_and_differences(world, client):
    RunSchool.objects.filter(run=world.run).update(low_results=True)
    regional = run_approve(
        run=world.run,
        municipality=None,
        order=dataclasses.replace(ORDER, number="1-р", authority="Министерство образования"),
        by=world.users["region_admin"],
    )
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("identification:list", args=[regional.pk]))
    (relation,) = page.context["relations"]
    assert relation.municipal == world.approved_list
    assert {entry.code for entry in relation.only_regional} == {world.sibling.code}
    assert "Только в региональном перечне" in page.content.decode()
