from django.db import models


class Conference(models.Model):
    title = models.CharField(max_length=100)
    tz = models.CharField(max_length=50)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    date_from = models.DateField()
    date_to = models.DateField()


class Talk(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE)
    start = models.DateTimeField()
    end = models.DateTimeField()


class Meetup(models.Model):
    day = models.DateField()
    at = models.TimeField()


class ApiToken(models.Model):
    key = models.CharField(max_length=40)
    expires = models.DateTimeField()
