"""Signals other apps plug into, so `universities` never imports the apps above it."""

from django.dispatch import Signal

# Sent by `roles.university_roles_provision` once a university's groups, collection and
# approval workflow exist, with `university` and `roles` (a `roles.UniversityRoles`). The
# apps that own page-tree sections grant the groups their rights there.
university_roles_provisioned = Signal()

# Sent with `user` and `account_closing` whenever a person may have lost a role: a membership
# saved (its role may have changed) or deleted, an account deactivated (`account_closing`
# False) or about to be deleted (True). Apps holding credentials that act in a role (API
# tokens, LRS clients) cut those the person no longer holds.
roles_may_have_changed = Signal()
