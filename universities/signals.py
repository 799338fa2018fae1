"""Signals other apps plug into, so `universities` never imports the apps above it."""

from django.dispatch import Signal

# Sent by `roles.university_roles_provision` once a university's groups, collection and
# approval workflow exist, with `university` and `roles` (a `roles.UniversityRoles`). The
# apps that own page-tree sections grant the groups their rights there.
university_roles_provisioned = Signal()
