"""Events other apps listen to.

Sent inside the transaction that records the event, so a receiver's writes (such as an outbox
message from `outbox.services.enqueue`) commit or roll back with it. Receivers must not do
slow work here: they enqueue it.
"""

from django.dispatch import Signal

# Sent with `enrollment_id` when a course run enrollment becomes completed.
course_completed = Signal()
# Sent with `program_enrollment_id` when every required course of a program is completed.
program_completed = Signal()
# Sent with `attempt` (a graded `QuizAttempt`) when a quiz attempt has been submitted.
quiz_submitted = Signal()
