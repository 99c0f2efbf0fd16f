"""The demo banks: three schools, codes only but in one school, every kind of record."""

from opora.demo.students import demo_students_load
from opora.students.models import ConsiliumDecision, IndividualRoute, RouteReview, Student, StudentBank, TermOutcome


def test_the_demo_fills_three_banks_and_one_keeps_names(world):
    made = demo_students_load(world.region)

    assert made == 21
    sizes = {school.code: school.students_with_difficulties.count() for school in (world.school, world.sibling)}
    assert sizes[world.school.code] == 12  # the demo school team's own school comes first
    named = StudentBank.objects.get(keeps_names=True).school
    assert all(student.full_name for student in Student.objects.filter(school=named))
    assert not Student.objects.exclude(school=named).exclude(full_name="").exists()
    assert IndividualRoute.objects.exists() and RouteReview.objects.exists()
    assert ConsiliumDecision.objects.exists() and TermOutcome.objects.count() == 2 * made
