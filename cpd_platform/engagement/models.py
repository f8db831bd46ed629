from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Feedback(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
            models.UniqueConstraint(fields=["event", "user"], name="feedback_unique_user"),
        ]

    def __str__(self):
        return f"{self.user} → {self.event}: {self.rating}"
