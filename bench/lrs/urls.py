"""The project's URLs plus the baseline the benchmark compares the LRS with."""

import json

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lms.urls import urlpatterns as project_urlpatterns

BASELINE_TABLE = "xapi_bench_plain_row"


@csrf_exempt
def plain_rows(request):
    """Parse a JSON array and write one row per element: no validation, no auth, no indexes."""
    if request.method != "POST":
        return HttpResponse(status=405)
    items = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {BASELINE_TABLE} (body) VALUES (%s)",  # noqa: S608 - constant name
            [(json.dumps(item),) for item in items],
        )
    return JsonResponse({"stored": len(items)})


urlpatterns = [path("bench/plain-rows", plain_rows), *project_urlpatterns]
