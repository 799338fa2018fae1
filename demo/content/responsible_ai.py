"""Responsible AI and Governance — taught in English by Demo Bishkek Polytechnic University.

Translated whole into Russian, Kazakh and Uzbek through wagtail-localize: see
`responsible_ai_ru.py`, `responsible_ai_kk.py` and `responsible_ai_uz.py`, which mirror this module
block for block.
"""

from .blocks import callout, lesson, module, question, quiz, text

COURSE = {
    "slug": "responsible-ai-governance",
    "university": "demo-bpu",
    "co_teaching": ["demo-dtu"],
    "language": "en",
    "level": "introductory",
    "ects": "4.0",
    "effort_hours": 35,
    "min_quiz_average": 60,
    "capacity": 400,
    "title": "Responsible AI and Governance",
    "summary": (
        "Fairness, privacy and accountability in practice: how to assess an AI system before "
        "it affects people, and who answers for it afterwards."
    ),
    "description": """
<p>AI systems decide who gets a loan, which field gets water first and which message is
flagged as fraud. This course gives engineers and managers the tools to ask the right questions
before such a system is deployed, and to keep answering them while it runs.</p>
""",
    "outcomes": [
        "Identify who is affected by an AI system and how it could harm them.",
        "Measure differences in error rates between groups of people.",
        "Apply data-protection principles to the data a model is trained on.",
        "Write an impact assessment and a plan for human oversight.",
    ],
    "modules": [
        module(
            "Harms, fairness and bias",
            "harms-and-fairness",
            "<p>Where unfairness enters a system, and how to measure it.</p>",
            [
                lesson(
                    "Who is affected, and how",
                    "who-is-affected",
                    minutes=25,
                    body=[
                        text("""
<p>Start every assessment with people, not with the model. List everyone the system affects:
the users who see its output, the people it makes decisions about, and the staff who must act
on it. For each group, ask what happens when the system is wrong in each direction.</p>
<p>A credit-scoring model that wrongly rejects applicants from rural districts does a
different kind of harm than one that wrongly approves them. The first denies people a service;
the second may push them into debt. Both must be named before anyone chooses a metric.</p>
"""),
                        callout(
                            "<p>A system can be harmful even when it is accurate on average: "
                            "the harm concentrates on the people it serves worst.</p>",
                            "warning",
                        ),
                    ],
                ),
                lesson(
                    "Measuring bias",
                    "measuring-bias",
                    minutes=30,
                    body=[
                        text("""
<p>Bias enters through data that under-represents some groups, labels that encode past
decisions, and proxies — a district or a surname can stand in for ethnicity. To find it,
compare error rates between groups: the share of qualified applicants rejected in each region,
language or gender.</p>
<p>Different fairness criteria can contradict each other, so the choice is a policy decision
that must be written down and justified. What is never acceptable is not measuring at all.</p>
"""),
                        quiz(
                            "Harms and bias",
                            [
                                question(
                                    "What should an impact assessment begin with?",
                                    [
                                        ("The people the system affects", True),
                                        ("The model's architecture", False),
                                        ("The hardware budget", False),
                                    ],
                                ),
                                question(
                                    "Which can act as a proxy for a protected attribute?",
                                    [
                                        ("A home district", True),
                                        ("The time the request was received", False),
                                        ("The model's version number", False),
                                    ],
                                ),
                                question(
                                    "How do you detect that a model treats groups differently?",
                                    [
                                        ("Compare error rates between the groups", True),
                                        ("Check the overall accuracy only", False),
                                        ("Ask the model", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        module(
            "Privacy and accountability",
            "privacy-and-accountability",
            "<p>Using personal data lawfully, and keeping people in charge.</p>",
            [
                lesson(
                    "Personal data and consent",
                    "personal-data",
                    minutes=25,
                    body=[
                        text("""
<p>The data-protection laws of Central Asian countries share core principles: collect personal
data for a stated purpose, collect no more than that purpose needs, keep it no longer than
necessary, and protect it. A dataset gathered for billing cannot simply be reused to train a
marketing model.</p>
<p>Before training, remove or replace direct identifiers such as names, phone numbers and
passport numbers, and check whether the remaining fields could still identify a person when
combined.</p>
"""),
                    ],
                ),
                lesson(
                    "Human oversight and redress",
                    "oversight-and-redress",
                    minutes=25,
                    body=[
                        text("""
<p>Every system that affects people needs a named owner, a way for people to contest a
decision, and a person with the authority to overturn it. Oversight is real only if the
reviewer has the time, the information and the power to disagree with the model.</p>
<p>Keep a log of decisions and model versions so that a complaint can be traced. Review the
system regularly: data drifts, and a model that was fair last year may not be fair now.</p>
"""),
                        quiz(
                            "Privacy and oversight",
                            [
                                question(
                                    "Billing data is to be reused for a marketing model. What "
                                    "does purpose limitation require?",
                                    [
                                        ("A lawful basis for the new purpose first", True),
                                        ("Nothing: the data is already collected", False),
                                        ("Only encrypting the data", False),
                                    ],
                                ),
                                question(
                                    "When is human oversight real?",
                                    [
                                        (
                                            "When the reviewer has time, information and power "
                                            "to overrule the model",
                                            True,
                                        ),
                                        ("When a person clicks 'approve' on every output", False),
                                        ("When the model is open source", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
}
