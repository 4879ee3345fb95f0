"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme, User
from linkwell.people.models import Consent, ConsentMethod, ConsentScope, Person
from linkwell.places.models import Postcode


class SchemeFactory(DjangoModelFactory[Scheme]):
    class Meta:
        model = Scheme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"scheme-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Social Prescribing")


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.VOLUNTARY_PROVIDER


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.linkwell.example")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.LINK_WORKER


class PostcodeFactory(DjangoModelFactory[Postcode]):
    class Meta:
        model = Postcode
        django_get_or_create = ("postcode",)

    postcode = "LW1 1AB"
    outcode = factory.LazyAttribute(lambda o: o.postcode.split()[0])
    latitude = 53.2
    longitude = -1.45
    is_demo = True


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    scheme = factory.SubFactory(SchemeFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1950, 5, 17)
    postcode = "LS1 4AP"


class ConsentFactory(DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    scope = ConsentScope.REFER
    granted = True
    method = ConsentMethod.VERBAL
    recorded_by = factory.SubFactory(UserFactory)
    recorded_by_organisation = factory.SubFactory(OrganisationFactory)
