"""Whose pages these are: a person sees their own consultations and their own practice, and
anyone else gets a 404."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from bookings import parties
from bookings.models import Consultation
from directory.access import AuthenticatedHttpRequest
from directory.models import Specialist

CONSULTATIONS_PROMPT = gettext_lazy("To see your consultations, please log in to your account")


def own_consultation(request: AuthenticatedHttpRequest, pk: int) -> tuple[Consultation, str]:
    """The consultation if this person is one of its two sides; 404 for anyone else."""
    consultation = get_object_or_404(
        Consultation.objects.select_related(
            "specialist__booking_settings", "specialist__owner", "client"
        ).filter(Q(client=request.user) | Q(specialist__owner=request.user)),
        pk=pk,
    )
    party = parties.party_of(consultation=consultation, user=request.user)
    if party is None:
        raise Http404
    return consultation, party


def own_specialist(request: AuthenticatedHttpRequest) -> Specialist:
    try:
        return Specialist.objects.get(owner=request.user)
    except Specialist.DoesNotExist:
        raise Http404 from None
