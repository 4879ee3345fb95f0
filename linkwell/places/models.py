"""Postcodes and outward-code centroids: what turns a postcode into coordinates for distance."""

from django.db import models


class Postcode(models.Model):
    """A full postcode with its coordinates, imported from ONS data or created by the demo."""

    postcode = models.CharField(max_length=8, unique=True)  # normalised, e.g. "LW1 4AB"
    outcode = models.CharField(max_length=4, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    place = models.CharField(max_length=100, blank=True)
    # Index of Multiple Deprivation decile (1 = most deprived), when known.
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class Outcode(models.Model):
    """The centroid of an outward code (e.g. LS6), used when the full postcode is not known."""

    outcode = models.CharField(max_length=4, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["outcode"]

    def __str__(self) -> str:
        return self.outcode
