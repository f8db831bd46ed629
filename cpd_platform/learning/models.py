from django.conf import settings
from django.db import models


class Course(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online"
        HYBRID = "hybrid"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=20, choices=Format.choices)
    price_cents = models.PositiveIntegerField("price in cents", default=0)
    currency = models.CharField(max_length=3, default="usd")
    certificates_enabled = models.BooleanField(default=False)
    cpd_credits = models.DecimalField("CPD credits", max_digits=6, decimal_places=2, default=0)
    required_session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="required_by_courses",
        help_text="Live session a hybrid course requires",
    )

    def __str__(self):
        return self.title


class Module(models.Model):
    class ContentType(models.TextChoices):
        VIDEO = "video"
        PDF = "pdf"
        QUIZ = "quiz"
        ASSIGNMENT = "assignment"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    content_url = models.URLField("content URL", blank=True)
    content_file = models.FileField(upload_to="modules/", blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="module_unique_position")]

    def __str__(self):
        return self.title


class Quiz(models.Model):
    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="quiz")
    passing_score = models.PositiveSmallIntegerField(help_text="percent")

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self):
        return f"Quiz: {self.module}"


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user} {self.score}%"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices)
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    current_module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="enrollment_unique_user")]

    def __str__(self):
        return f"{self.user} in {self.course}"


class Assignment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    module = models.OneToOneField(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignment")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    requires_file_upload = models.BooleanField(default=False)
    rubric = models.JSONField(default=list, blank=True)

    def __str__(self):
        return self.title


class Submission(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    file = models.FileField(upload_to="submissions/")
    submitted_at = models.DateTimeField()
    grade = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: {self.assignment}"
