"""``opora api_token USER``: the key of the REST API for another system acting as USER."""

from django.core.management.base import BaseCommand, CommandError

from opora.accounts.models import User
from opora.accounts.tokens import token_issue, token_revoke


class Command(BaseCommand):
    help = (
        "Выдаёт ключ REST API (заголовок «Authorization: Token <ключ>») для системы, которая работает от имени "
        "пользователя: с его ролью и областью доступа. --replace выдаёт новый ключ вместо прежнего, --revoke отзывает."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="имя пользователя Опоры")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--replace", action="store_true", help="новый ключ; прежний перестаёт действовать")
        group.add_argument("--revoke", action="store_true", help="отозвать ключ")

    def handle(self, *args, username: str, replace: bool, revoke: bool, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Пользователь «{username}» не найден.")
        if revoke:
            if token_revoke(user=user):
                self.stdout.write(f"Ключ пользователя {username} отозван.")
            else:
                self.stdout.write(f"У пользователя {username} не было ключа.")
            return
        if not user.is_active:
            raise CommandError(f"Пользователь «{username}» отключён: ключ ему не выдаётся.")
        self.stdout.write(token_issue(user=user, replace=replace))
