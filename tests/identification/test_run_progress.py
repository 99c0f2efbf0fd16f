from django.urls import reverse

from opora.identification.models import RunStatus


def test_run_page_polls_while_the_run_is_being_computed(client, world):
    run = world.run
    run.status, run.progress, run.progress_message = RunStatus.RUNNING, 35, "Расчёт индексов"
    run.save()
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "35&nbsp;% · Расчёт индексов" in page
    polled = client.get(
        reverse("identification:run", args=[run.pk]), headers={"HX-Request": "true", "HX-Target": "run-status"}
    )
    assert polled.content.decode().lstrip().startswith('<div id="run-status">')
    assert "HX-Refresh" not in polled

    run.status = RunStatus.DONE
    run.save()
    finished = client.get(
        reverse("identification:run", args=[run.pk]), headers={"HX-Request": "true", "HX-Target": "run-status"}
    )
    assert finished["HX-Refresh"] == "true"
