"""A tests-only endpoint that enqueues background work inside a web request.

Served only through `tests.services.urls` (selected per test with `pytest.mark.urls`): the
broker-outage tests need a request whose transaction writes a row and enqueues work, the
shape of every real view that does background work.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from audit.services import audit_record
from outbox.services import enqueue

from .probe_tasks import probe_record


@require_POST
@login_required
def probe_enqueue(request):
    key = request.POST.get("key", "")[:100]
    with transaction.atomic():
        audit_record(actor=request.user, action="services.request", summary=key)
        message = enqueue(
            probe_record,
            user_id=request.user.pk,
            key=key,
            marker_dir=request.POST.get("marker_dir", ""),
        )
    return JsonResponse({"outbox": message.pk if message else None}, status=202)
