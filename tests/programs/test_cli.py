"""``opora program import|list|export``: for whom, into which program, and what it prints."""

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.programs.models import Program, ProgramKind

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("program", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_import_a_roadmap_for_the_coordinators_municipality(world):
    output = run("import", str(FIXTURES / "seed_000.docx"), "--municipality", "Заречный район", "--user", "coordinator")

    program = Program.objects.get()
    assert last_line(output) == f"Программа № {program.pk}: разделов 6, мероприятий 30, показателей 0"
    assert output.startswith("Файл «seed_000.docx»: дорожная карта (таблица 1): 6 разделов, 30 мероприятий.")
    assert (program.kind, program.municipality, program.created_by.username) == (
        ProgramKind.ROADMAP,
        world.municipality,
        "coordinator",
    )


def test_import_both_tables_for_the_school_then_replace_the_indicators(world):
    output = run("import", str(FIXTURES / "seed_004.xlsx"), "--school", "010001", "--user", "school_team")
    program = Program.objects.get()
    assert last_line(output) == f"Программа № {program.pk}: разделов 7, мероприятий 41, показателей 15"
    assert program.school == world.school

    output = run(
        "import",
        str(FIXTURES / "seed_003.docx"),
        "--program",
        str(program.pk),
        "--kind",
        "indicators",
        "--user",
        "school_team",
    )

    assert f"Показатели программы № {program.pk} будут заменены: сейчас их 15." in output
    assert last_line(output) == f"Программа № {program.pk}: разделов 7, мероприятий 41, показателей 6"


def test_a_file_with_errors_writes_nothing(world, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Что", "Когда", "Кто"])
    book.active.append(["Совещание", "Октябрь", "Директор"])
    path = tmp_path / "план.xlsx"
    book.save(path)

    with pytest.raises(CommandError, match=r"^Ошибок в файле: 1\. Ничего не записано\.$"):
        run("import", str(path), "--municipality", "Заречный район")
    assert not Program.objects.exists()


def test_a_missing_file(world):
    with pytest.raises(CommandError, match=r"Файл «нет\.docx» не найден"):
        run("import", "нет.docx")


NOT_A_DEVELOPER = "Загружать дорожные карты и показатели могут разработчики программ."


@pytest.mark.parametrize(
    ("user", "where", "message"),
    [
        ("observer", ["--municipality", "Заречный район"], NOT_A_DEVELOPER),
        ("curator", ["--school", "010001"], NOT_A_DEVELOPER),
        (
            "school_team",
            ["--school", "010002"],
            "Школа с кодом «010002» не найдена (или у пользователя school_team нет к ней доступа).",
        ),
        (
            "coordinator",
            ["--municipality", "Озёрный район"],
            "Муниципалитет «Озёрный район» не найден (или у пользователя coordinator нет к нему доступа).",
        ),
        (
            "coordinator",
            [],
            "Пользователь coordinator не составляет программы региона: укажите --school или --municipality.",
        ),
        (
            "other_region_admin",
            ["--school", "010001"],
            "Школа с кодом «010001» не найдена (или у пользователя other_region_admin нет к ней доступа).",
        ),
    ],
)
def test_import_only_within_the_users_rights_and_scope(world, user, where, message):
    with pytest.raises(CommandError) as refusal:
        run("import", str(FIXTURES / "seed_000.docx"), *where, "--user", user)
    assert str(refusal.value) == message
    assert not Program.objects.exists()


def test_a_regional_program_by_the_region_admin(world):
    output = run("import", str(FIXTURES / "seed_001.docx"), "--user", "region_admin")

    program = Program.objects.get()
    assert (program.region, program.municipality, program.school) == (world.region, None, None)
    assert last_line(output) == f"Программа № {program.pk}: разделов 6, мероприятий 27, показателей 0"


def test_list_shows_the_programs_the_user_sees(world):
    run("import", str(FIXTURES / "seed_002.docx"), "--municipality", "Заречный район", "--user", "coordinator")
    run("import", str(FIXTURES / "seed_003.docx"), "--school", "010001", "--user", "school_team")
    municipal, school = Program.objects.order_by("pk")

    lines = run("list", "--user", "coordinator").strip().splitlines()

    assert lines == [
        f"{municipal.pk}\tдорожная карта\t{municipal.title}\tЗаречный район\tчерновик",
        f"{school.pk}\tмуниципальная программа поддержки школы\t{school.title}\t{world.school.display_name}\tчерновик",
    ]
    assert run("list", "--user", "school_team").strip().splitlines() == [lines[1]]
    assert run("list", "--user", "other_region_admin").strip() == (
        "Пользователь other_region_admin не видит ни одной программы."
    )


@pytest.mark.parametrize("extension", ["docx", "xlsx"])
def test_export_writes_the_program(world, tmp_path, extension):
    run("import", str(FIXTURES / "seed_002.docx"), "--municipality", "Заречный район")
    program = Program.objects.get()
    out = tmp_path / f"программа.{extension}"

    output = run("export", str(program.pk), "--out", str(out), "--user", "coordinator")

    assert output.strip() == f"Программа № {program.pk} «{program.title}» записана: {out}."
    if extension == "docx":
        assert docx.Document(str(out)).tables[1].rows[0].cells[1].text == "Мероприятие"
    else:
        assert openpyxl.load_workbook(out).sheetnames == ["Паспорт", "Дорожная карта", "Показатели"]


def test_export_refuses_a_program_the_user_does_not_see(world, tmp_path):
    run("import", str(FIXTURES / "seed_002.docx"), "--municipality", "Заречный район")
    program = Program.objects.get()

    with pytest.raises(CommandError, match="не найдена"):
        run("export", str(program.pk), "--out", str(tmp_path / "x.docx"), "--user", "other_region_admin")
    with pytest.raises(CommandError, match=r"\.docx или \.xlsx"):
        run("export", str(program.pk), "--out", str(tmp_path / "x.pdf"))
