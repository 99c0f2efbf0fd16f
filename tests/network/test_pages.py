"""The network's pages through the test client: matching confirmed into partnerships, visits recorded by hand."""

import datetime

from django.urls import reverse

from opora.support.models import Partnership


def test_coordinator_confirms_the_proposed_pair_and_the_partnership_records_its_agreement(client, world):
    client.force_login(world.users["coordinator"])
    year = world.run.year.end_year + 1
    page = client.get(reverse("network:partners"), {"year": year})
    assert page.status_code == 200
    pairs = [pair for pair in page.context["pairs"] if pair.candidate is not None]
    assert pairs, page.context["problem"]
    pair = pairs[0]
    assert pair.candidate.partner.pk != pair.school.pk

    answer = client.post(
        reverse("network:partners_confirm"),
        {"year": year, "pair": f"{pair.school.pk}:{pair.candidate.partner.pk}"},
    )

    assert answer.status_code == 302
    partnership = Partnership.objects.get(school=pair.school, partner=pair.candidate.partner, year=year)
    answer = client.post(
        reverse("network:partnership", args=[partnership.pk]),
        {
            "form": "agreement",
            "agreement_number": "5",
            "agreement_date": "2026-09-15",
            "subjects": "математика",
            "planned_activities": "Открытые уроки",
            "status": "confirmed",
        },
    )
    assert answer.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.agreement_number, partnership.agreement_date) == ("5", datetime.date(2026, 9, 15))


def test_an_agreement_number_without_a_date_is_refused_with_a_message(client, world):
    partnership = Partnership.objects.create(school=world.school, partner=world.sibling, year=2027)
    client.force_login(world.users["coordinator"])
    answer = client.post(
        reverse("network:partnership", args=[partnership.pk]),
        {"form": "agreement", "agreement_number": "5", "status": "confirmed"},
    )
    assert answer.status_code == 200
    assert "Укажите дату соглашения." in answer.content.decode()


def test_the_school_card_shows_its_curator(client, world):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("schools:detail", args=[world.school.code])).content.decode()
    assert "Сопровождение" in page and world.users["curator"].last_name in page
