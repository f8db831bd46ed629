from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField()

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Profile(models.Model):
    class Role(models.TextChoices):
        ATTENDEE = "attendee"
        ORGANIZER = "organizer"
        SPEAKER = "speaker"
        STAFF = "staff"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    headline = models.CharField(max_length=200, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    onboarding_completed = models.BooleanField(default=False)
    # Which onboarding screen an unfinished user is on (null once onboarding is done).
    onboarding_step = models.CharField(max_length=40, null=True, blank=True)

    def __str__(self):
        return f"{self.user} ({self.role})"


class CPDRequirement(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpd_requirements")
    name = models.CharField(max_length=200)
    required_credits = models.DecimalField("required CPD credits", max_digits=6, decimal_places=2)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        verbose_name = "CPD requirement"

    def __str__(self):
        return self.name
