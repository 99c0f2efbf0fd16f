from django.contrib.auth import forms as auth_forms


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверное имя пользователя или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Эта учётная запись отключена. Обратитесь к администратору.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Имя пользователя"
        self.fields["password"].label = "Пароль"


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass
