from django.conf import settings
from django.db import models


class PromoCode(models.Model):
    class DiscountType(models.TextChoices):
        PERCENT = "percent"
        FIXED = "fixed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=40, unique=True)
    discount_type = models.CharField(max_length=10, choices=DiscountType.choices)
    # Percent for `percent`, cents for `fixed`.
    discount_value = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.code


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_tags")
    name = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="tag_unique_name")]

    def __str__(self):
        return self.name


class ContactList(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_lists")
    name = models.CharField(max_length=200)
    # Whose list it is, as the list's emails sign it.
    organization = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.name


class Contact(models.Model):
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    subscribed_at = models.DateTimeField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_list", "email"], name="contact_unique_email")]

    def __str__(self):
        return self.email
