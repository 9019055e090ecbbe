from typing import cast

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from reattune.core.tokens import HashedToken, hash_secret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = cast("User", self.model(email=self.normalize_email(email).lower(), **extra))
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PARTNER = "partner", "Partner"
        THERAPIST = "therapist", "Therapist or coach"

    email = models.EmailField(unique=True, max_length=254)
    display_name = models.CharField(max_length=60)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTNER)
    country = models.CharField(max_length=2, blank=True, default="")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    def __str__(self):
        return self.display_name or f"user {self.pk}"


hash_token = hash_secret  # the stored form of a token (core.tokens)


class AccessToken(HashedToken):
    """A personal access token for scripts. Only its hash is stored; it is shown once."""

    PREFIX = "rt_"
    RAW_BYTES = 32

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=60)
    last_used_at = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """Which stored sessions belong to which user, so ending them is one indexed delete."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
