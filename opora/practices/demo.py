"""Practices of the demonstration region: a few realistic entries of the bank, most of them published,
one waiting for moderation, each against one or two of the project's risk factors."""

from __future__ import annotations

from collections.abc import Sequence

from opora.accounts.access import Action, can
from opora.accounts.models import User
from opora.practices.models import Practice, PracticeKind
from opora.practices.services import factor_choices, practice_publish, practice_save, practice_send
from opora.risks.models import Measure
from opora.schools.models import Region, School

# (kind, title, summary, description, results, subjects, factor keys, catalog words, published)
DEMO_PRACTICES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...], str, bool], ...] = (
    (
        PracticeKind.PRACTICE,
        "Наставничество «учитель — учитель» в математике",
        "Опытный учитель математики школы-партнёра год ведёт молодого коллегу: совместное планирование, "
        "взаимные посещения уроков, разбор заданий ВПР.",
        "Пара наставник — наставляемый составляет план на учебный год. Раз в две недели — совместное "
        "планирование уроков в 5–7 классах, раз в месяц — посещение уроков друг друга с разбором по "
        "единой карте наблюдения. По итогам ВПР пара разбирает задания, с которыми не справились "
        "обучающиеся, и готовит задания для повторения.",
        "Доля обучающихся 6 классов, не справившихся с ВПР по математике, снизилась с 31 % до 18 %; "
        "молодой учитель прошёл аттестацию на первую категорию.",
        "математика",
        ("teacher_competence", "internal_training"),
        "наставничеств",
        True,
    ),
    (
        PracticeKind.PRACTICE,
        "Клуб чтения для обучающихся 5–6 классов",
        "Еженедельные встречи в школьной библиотеке: чтение вслух, обсуждение, читательский дневник.",
        "Клуб ведут учитель русского языка и школьный библиотекарь. Книги подбираются вместе с "
        "обучающимися; на каждой встрече — чтение по ролям и короткое обсуждение по вопросам смыслового "
        "чтения. Родители приглашаются на итоговую встречу четверти.",
        "Результаты диагностики читательской грамотности выросли на 12 процентных пунктов; в клубе "
        "постоянно занимаются 24 обучающихся.",
        "русский язык, литература",
        ("low_motivation",),
        "чтени",
        True,
    ),
    (
        PracticeKind.PRACTICE,
        "Совет родителей и дни открытых уроков",
        "Родители приходят на уроки и участвуют в планировании внеурочной деятельности.",
        "Раз в четверть школа проводит день открытых уроков; после уроков — встреча с родителями, где "
        "учителя объясняют, как помогать ребёнку с домашними заданиями. Совет родителей согласует план "
        "внеурочной деятельности.",
        "Посещаемость родительских собраний выросла с 35 % до 70 %.",
        "",
        ("parents",),
        "родител",
        True,
    ),
    (
        PracticeKind.RECOMMENDATIONS,
        "Методические рекомендации по работе с обучающимися с трудностями в учёбе",
        "Как выявить трудности, составить индивидуальный маршрут и проверить его итоги по четвертям.",
        "Рекомендации описывают порядок: входная диагностика в сентябре, консилиум, индивидуальный "
        "образовательный маршрут с целями на четверть, промежуточный контроль и пересмотр маршрута. "
        "Приведены образцы маршрута и протокола консилиума.",
        "Рекомендации использованы школами муниципалитета при составлении антирисковых программ.",
        "математика, русский язык",
        ("failure_risk", "low_adaptivity"),
        "индивидуальн",
        True,
    ),
    (
        PracticeKind.PRACTICE,
        "Сетевые уроки физики с оборудованием школы-партнёра",
        "Лабораторные работы по физике в 7–9 классах на оборудовании городской школы.",
        "Раз в месяц обучающиеся приезжают в школу-партнёр на сдвоенный урок физики; лабораторные "
        "работы проводят учителя обеих школ. Расписание согласовано в соглашении о партнёрстве.",
        "",
        "физика",
        ("equipment",),
        "сетев",
        False,
    ),
)


def _sees(user: User, school: School) -> bool:
    return School.objects.visible_to(user).filter(pk=school.pk).exists()


def _author(users: Sequence[User], school: School) -> User | None:
    """Who writes a practice of the school: its team first, then anyone of its scope who may."""
    writers = [user for user in users if can(user, Action.SUBMIT_PRACTICE) and _sees(user, school)]
    own = [user for user in writers if user.school_id == school.pk]
    return (own or writers or [None])[0]


def _moderator(users: Sequence[User], school: School) -> User | None:
    """A coordinator of the school, else the region's administrator; None: the installation."""
    moderators = [
        user for user in users if not user.is_superuser and can(user, Action.MODERATE_PRACTICES) and _sees(user, school)
    ]
    moderators.sort(key=lambda user: user.municipality_id is None)
    return moderators[0] if moderators else None


def load_demo_practices(*, region: Region, schools: Sequence[School], users: Sequence[User]) -> int:
    """Create the demonstration practices of the region's schools; the number created.

    ``schools``: the schools to write them for (taken in turn); ``users``: the region's demonstration
    users, from whom the authors (a school team, else anyone who may submit) and the moderator (a
    coordinator or the region's administrator) are chosen; without them the installation acts.
    Factors the region does not have are left out; a practice links to a catalog measure whose text
    has the given word.
    """
    if not schools:
        return 0
    known = dict(factor_choices(region.pk))
    created = 0
    for index, (kind, title, summary, description, results, subjects, keys, word, published) in enumerate(
        DEMO_PRACTICES
    ):
        school = schools[index % len(schools)]
        if Practice.objects.filter(school=school, title=title).exists():
            continue
        author = _author(users, school)
        measures = list(Measure.objects.filter(region=region, search_text__contains=f" {word}")[:1])
        practice = practice_save(
            practice=None,
            school=school,
            data={
                "kind": kind,
                "title": title,
                "summary": summary,
                "description": description,
                "results": results,
                "subjects": subjects,
                "factor_keys": [key for key in keys if key in known],
                "measures": measures,
            },
            by=author,
        )
        practice_send(practice=practice, by=author)
        if published:
            practice_publish(practice=practice, by=_moderator(users, school))
        created += 1
    return created
