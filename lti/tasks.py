"""Background work of the LTI tool: sending scores to partner platforms (AGS)."""

from celery import shared_task


@shared_task(name="lti.deliver_scores", ignore_result=True, soft_time_limit=240)
def deliver_scores() -> int:
    from .ags import scores_deliver

    return scores_deliver()
