import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from opora.accounts.models import Role, User
from opora.accounts.scopes import describe_scope
from opora.schools.models import School
from opora.schools.queries import can_change_school, visible_school_or_404


def codes(user) -> set[str]:
    return set(School.objects.visible_to(user).values_list("code", flat=True))


def test_each_role_sees_exactly_its_scope(world):
    assert codes(world.users["superuser"]) == {"010001", "010002", "020001", "990001"}
    assert codes(world.users["region_admin"]) == {"010001", "010002", "020001"}
    assert codes(world.users["coordinator"]) == {"010001", "010002"}
    assert codes(world.users["curator"]) == {"010001"}
    assert codes(world.users["school_team"]) == {"010001"}
    assert codes(world.users["observer"]) == {"010001", "010002", "020001"}
    assert codes(world.users["other_region_admin"]) == {"990001"}


def test_inactive_and_scopeless_users_see_nothing(world):
    world.users["coordinator"].is_active = False
    assert codes(world.users["coordinator"]) == set()
    lonely_curator = User.objects.create(username="new_curator", role=Role.CURATOR, region=world.region)
    assert codes(lonely_curator) == set()


def test_observer_of_a_municipality_sees_only_it(world):
    observer = world.users["observer"]
    observer.municipality = world.neighbour
    observer.save()
    assert codes(observer) == {"020001"}


def test_school_outside_scope_is_not_found(world):
    assert visible_school_or_404(world.users["school_team"], "010001") == world.school
    with pytest.raises(Http404):
        visible_school_or_404(world.users["school_team"], "010002")


def test_who_may_change_a_school(world):
    may = {persona: can_change_school(user, world.school) for persona, user in world.users.items()}
    assert may == {
        "superuser": True,
        "region_admin": True,
        "coordinator": True,
        "curator": False,
        "school_team": True,
        "observer": False,
        "other_region_admin": False,
    }


def test_scope_described_in_users_words(world):
    assert describe_scope(world.users["coordinator"]) == "Заречный район"
    assert describe_scope(world.users["region_admin"]) == "Тестовая область"
    assert describe_scope(world.users["school_team"]) == "МБОУ ООШ с. Берёзовка"
    assert describe_scope(world.users["curator"]) == "Курируемые школы: 1"
    assert describe_scope(world.users["superuser"]) == "Все регионы"


def test_role_requires_its_territory(world):
    coordinator = User(username="c2", role=Role.MUNICIPAL_COORDINATOR, region=world.region)
    with pytest.raises(ValidationError) as error:
        coordinator.full_clean()
    assert error.value.message_dict["municipality"] == ["Укажите муниципалитет координатора."]


def test_municipality_must_belong_to_the_users_region(world):
    coordinator = User(
        username="c3",
        role=Role.MUNICIPAL_COORDINATOR,
        region=world.region,
        municipality=world.far_municipality,
    )
    with pytest.raises(ValidationError) as error:
        coordinator.full_clean()
    assert error.value.message_dict["municipality"] == ["Муниципалитет не входит в регион пользователя."]
