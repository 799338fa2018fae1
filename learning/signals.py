"""Events other apps listen to. Sent after the transaction that caused them commits."""

from django.dispatch import Signal

# Sent with `enrollment_id` when a course run enrollment becomes completed.
course_completed = Signal()
# Sent with `program_enrollment_id` when every required course of a program is completed.
program_completed = Signal()
